-- tau-bench retail test task 15 with a scripted user (_scripted.lua): modify the hiking boots of
-- #W5199551; asks about #W8665881 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-015.lua"), {
  first = "Fatima", last = "Johnson", zip = "78712",
  order = "#W5199551", wrong = "#W8665881",
  intent = "modify",
  items = "the hiking boots",
})
