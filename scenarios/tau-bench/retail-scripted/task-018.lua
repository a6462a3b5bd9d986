-- tau-bench retail test task 18 with a scripted user (_scripted.lua): exchange the office chair of
-- #W2890441; asks about #W1267569 first, and for a return before the exchange.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-018.lua"), {
  first = "Mei", last = "Davis", zip = "80217",
  order = "#W2890441", wrong = "#W1267569",
  intent = "exchange", change = { from = "return" },
  items = "the office chair",
})
