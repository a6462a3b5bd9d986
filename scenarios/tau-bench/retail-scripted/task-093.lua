-- tau-bench retail test task 93 with a scripted user (_scripted.lua): exchange the laptop of
-- #W4073673; asks about #W3826449 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-093.lua"), {
  first = "Lei", last = "Wilson", zip = "32255",
  order = "#W4073673", wrong = "#W3826449",
  intent = "exchange",
  items = "the laptop",
})
