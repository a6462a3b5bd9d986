-- tau-bench retail test task 53 with a scripted user (_scripted.lua): return the bicycle of
-- #W3916020; asks about #W4689314 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-053.lua"), {
  first = "Sofia", last = "Li", zip = "78260",
  order = "#W3916020", wrong = "#W4689314",
  intent = "return",
  items = "the bicycle",
})
