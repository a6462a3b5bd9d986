-- tau-bench retail test task 82 with a scripted user (_scripted.lua): return the coffee maker, the
-- digital camera, the pet bed and the tablet of #W9571698; asks about #W3069600 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-082.lua"), {
  first = "Chen", last = "Silva", zip = "46281",
  order = "#W9571698", wrong = "#W3069600",
  intent = "return",
  items = "the coffee maker, the digital camera, the pet bed and the tablet",
})
