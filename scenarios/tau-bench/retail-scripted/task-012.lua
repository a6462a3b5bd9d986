-- tau-bench retail test task 12 with a scripted user (_scripted.lua): return the water bottle, the action camera and the backpack of #W5490111; asks about #W7387996 first, and for an exchange before the return.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-012.lua"), {
  email = "mia.garcia2723@example.com",
  order = "#W5490111", wrong = "#W7387996",
  intent = "return", change = { from = "exchange" },
  items = "the water bottle, the action camera and the backpack",
})
