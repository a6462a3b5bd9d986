-- tau-bench retail test task 27 with a scripted user (_scripted.lua): exchange the hiking boots of
-- #W7181492; asks about #W3792453 first, and for a return before the exchange.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-027.lua"), {
  first = "Isabella", last = "Johansson", zip = "32286",
  order = "#W7181492", wrong = "#W3792453",
  intent = "exchange", change = { from = "return" },
  items = "the hiking boots",
})
