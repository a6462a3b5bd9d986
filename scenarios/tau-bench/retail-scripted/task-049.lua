-- tau-bench retail test task 49 with a scripted user (_scripted.lua): exchange the wireless earbuds
-- of #W3470184; asks about #W4316152 first, and for a return before the exchange.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-049.lua"), {
  first = "Aarav", last = "Anderson", zip = "19031",
  order = "#W3470184", wrong = "#W4316152",
  intent = "exchange", change = { from = "return" },
  items = "the wireless earbuds",
})
