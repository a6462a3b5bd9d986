-- tau-bench retail test task 79 with a scripted user (_scripted.lua): modify the water bottle of
-- #W8661412; asks about #W2273457 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-079.lua"), {
  first = "Emma", last = "Kovacs", zip = "32190",
  order = "#W8661412", wrong = "#W2273457",
  intent = "modify",
  items = "the water bottle",
})
