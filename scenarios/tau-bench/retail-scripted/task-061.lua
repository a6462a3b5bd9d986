-- tau-bench retail test task 61 with a scripted user (_scripted.lua): modify the wireless earbuds
-- of #W5061109; asks about #W5797164 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-061.lua"), {
  first = "Chen", last = "Johnson", zip = "77004",
  order = "#W5061109", wrong = "#W5797164",
  intent = "modify",
  items = "the wireless earbuds",
})
