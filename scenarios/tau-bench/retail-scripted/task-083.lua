-- tau-bench retail test task 83 with a scripted user (_scripted.lua): return the tablet of
-- #W9571698; asks about #W3069600 first, and for an exchange before the return.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-083.lua"), {
  first = "Chen", last = "Silva", zip = "46281",
  order = "#W9571698", wrong = "#W3069600",
  intent = "return", change = { from = "exchange" },
  items = "the tablet",
})
