-- tau-bench retail test task 88 with a scripted user (_scripted.lua): cancel #W8835847; asks about
-- #W7999678 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-088.lua"), {
  email = "daiki.silva6295@example.com",
  order = "#W8835847", wrong = "#W7999678",
  intent = "cancel",
  reason = "because I ordered it by mistake",
})
