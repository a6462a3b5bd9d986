-- tau-bench retail test task 52 with a scripted user (_scripted.lua): exchange the digital camera
-- of #W4689314; asks about #W8855135 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-052.lua"), {
  first = "Sofia", last = "Li", zip = "78260",
  order = "#W4689314", wrong = "#W8855135",
  intent = "exchange",
  items = "the digital camera",
})
