-- tau-bench retail test task 107 with a scripted user (_scripted.lua): exchange the t-shirt of
-- #W3388163; asks about #W7619352 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-107.lua"), {
  email = "sofia.thomas3069@example.com",
  order = "#W3388163", wrong = "#W7619352",
  intent = "exchange",
  items = "the t-shirt",
})
