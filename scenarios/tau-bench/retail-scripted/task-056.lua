-- tau-bench retail test task 56 with a scripted user (_scripted.lua): modify the air purifier of
-- #W4284542; asks about #W5838674 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-056.lua"), {
  first = "Ivan", last = "Hernandez", zip = "92133",
  order = "#W4284542", wrong = "#W5838674",
  intent = "modify",
  items = "the air purifier",
})
