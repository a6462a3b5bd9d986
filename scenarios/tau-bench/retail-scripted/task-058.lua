-- tau-bench retail test task 58 with a scripted user (_scripted.lua): exchange the espresso machine
-- and the laptop of #W5838674; asks about #W4284542 first, and for a return before the exchange.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-058.lua"), {
  first = "Ivan", last = "Hernandez", zip = "92133",
  order = "#W5838674", wrong = "#W4284542",
  intent = "exchange", change = { from = "return" },
  items = "the espresso machine and the laptop",
})
