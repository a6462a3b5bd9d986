-- tau-bench retail test task 90 with a scripted user (_scripted.lua): cancel #W9284598; asks about
-- #W8661412 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-090.lua"), {
  email = "emma.kovacs2974@example.com",
  order = "#W9284598", wrong = "#W8661412",
  intent = "cancel",
  reason = "because I ordered it by mistake",
})
