-- tau-bench retail test task 0 with a scripted user (_scripted.lua): exchange the keyboard and
-- thermostat of #W2378156; asks about #W6247578 first, and for a return before the exchange.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-000.lua"), {
  first = "Yusuf", last = "Rossi", zip = "19122",
  order = "#W2378156", wrong = "#W6247578",
  intent = "exchange", change = { from = "return" },
  items = "the mechanical keyboard and the smart thermostat",
})
