-- tau-bench retail test task 51 with a scripted user (_scripted.lua): return the digital camera of
-- #W4689314; asks about #W8855135 first, and for an exchange before the return.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-051.lua"), {
  first = "Sofia", last = "Li", zip = "78260",
  order = "#W4689314", wrong = "#W8855135",
  intent = "return", change = { from = "exchange" },
  items = "the digital camera",
})
