-- tau-bench retail test task 66 with a scripted user (_scripted.lua): cancel #W3361211; asks about
-- #W3586556 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-066.lua"), {
  first = "Aarav", last = "Lee", zip = "85025",
  order = "#W3361211", wrong = "#W3586556",
  intent = "cancel",
  reason = "because I no longer need it",
})
