-- tau-bench retail test task 5 with a scripted user (_scripted.lua): return the water bottle of
-- #W6390527; asks about #W7800651 first, and for an exchange before the return.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-005.lua"), {
  first = "Mei", last = "Kovacs", zip = "28236",
  order = "#W6390527", wrong = "#W7800651",
  intent = "return", change = { from = "exchange" },
  items = "the water bottle",
})
