-- tau-bench retail test task 26 with a scripted user (_scripted.lua): return the electric kettle
-- and the mechanical keyboard of #W5565470; asks about #W3792453 first, and for an exchange before
-- the return.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-026.lua"), {
  first = "Isabella", last = "Johansson", zip = "32286",
  order = "#W5565470", wrong = "#W3792453",
  intent = "return", change = { from = "exchange" },
  items = "the electric kettle and the mechanical keyboard",
})
