-- tau-bench retail test task 20 with a scripted user (_scripted.lua): modify the water bottle, the
-- mechanical keyboard, the running shoes and the makeup kit of #W9911714; asks about #W4967593
-- first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-020.lua"), {
  first = "Ethan", last = "Garcia", zip = "80280",
  order = "#W9911714", wrong = "#W4967593",
  intent = "modify",
  items = "the water bottle, the mechanical keyboard, the running shoes and the makeup kit",
})
