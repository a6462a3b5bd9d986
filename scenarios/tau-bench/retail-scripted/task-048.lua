-- tau-bench retail test task 48 with a scripted user (_scripted.lua): return the air purifier of
-- #W9502127; asks about #W1436802 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-048.lua"), {
  first = "Daiki", last = "Johnson", zip = "80273",
  order = "#W9502127", wrong = "#W1436802",
  intent = "return",
  items = "the air purifier",
})
