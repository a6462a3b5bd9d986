-- tau-bench retail test task 6 with a scripted user (_scripted.lua): exchange the desk lamp of
-- #W6390527; asks about #W7800651 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-006.lua"), {
  first = "Mei", last = "Kovacs", zip = "28236",
  order = "#W6390527", wrong = "#W7800651",
  intent = "exchange",
  items = "the desk lamp",
})
