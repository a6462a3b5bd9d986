-- tau-bench airline's database (envs/airline/data/*.json).
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench at 59a200c), MIT License, Copyright (c) 2024 Sierra.
-- spar's NOTICE lists what is derived from where; the licence text is in
-- LICENSES/tau-bench.txt. Do not edit a generated file: run tools/tau-import/ again.
-- The database: {table = {id = record}}, every dict with its key order in _keys.
local db = {_keys={"flights","reservations","users"},flights={_keys={}},reservations={_keys={}},users={_keys={}}}
for _, part in ipairs({ include("_db-1.lua"), include("_db-2.lua"), include("_db-3.lua"), include("_db-4.lua"), include("_db-5.lua"), include("_db-6.lua") }) do
  for _, row in ipairs(part) do
    local t = db[row[1]]
    t._keys[#t._keys + 1] = row[2]
    t[row[2]] = row[3]
  end
end
return db
