-- tau-bench retail test task 69 with a scripted user (_scripted.lua): cancel #W2417020; asks about
-- #W5605613 first.
local scripted = include("_scripted.lua")
return scripted.task(include("_retail/task-069.lua"), {
  first = "Emma", last = "Smith", zip = "10192",
  order = "#W2417020", wrong = "#W5605613",
  intent = "cancel",
  reason = "because I no longer need it",
})
