-- Python's data model, as much of it as tau-bench's and tau2-bench's tools use, for the tools
-- ported to Lua under scenarios/tau-bench/ and scenarios/tau2-bench/ (docs/tau.md).
--
-- tau's tools answer json.dumps(obj), whose bytes follow a Python dict's key order; a Lua table
-- has none. So every dict is a table carrying its key order in a `_keys` list (a reserved key,
-- never a real one), and a table without `_keys` is a list. The importer
-- (tools/tau-import/common.py) writes the databases that way; the ported tools build dicts with
-- T.dict and change them with T.set / T.del, as the Python does with literals, d[k] = v and del.
-- Numbers keep Python's two kinds: Lua 5.4's integer and float subtypes (100.0 stays a float).
--
-- T.reward is tau-bench's reward (envs/base.py, calculate_reward): the database as tau's own
-- Python leaves it after the task's gold actions (computed at import time, stored as the records
-- that differ from the initial database), the required outputs, and "done".
local T = {}

-- Python's None inside a value (a dict's value or a list's element; Lua's nil cannot be one).
-- A table with a marker rather than a unique object, so it survives spar's copies of the state.
T.None = { _none = true }

function T.is_none(x) return type(x) == "table" and x._none == true end
function T.is_dict(x) return type(x) == "table" and x._keys ~= nil end

-- A dict literal: T.dict("a", 1, "b", {}) is Python's {"a": 1, "b": []}.
function T.dict(...)
  local n = select("#", ...)
  if n % 2 ~= 0 then error("T.dict: keys and values come in pairs", 2) end
  local d = { _keys = {} }
  for i = 1, n, 2 do
    local k, v = select(i, ...)
    if v == nil then error("T.dict: the value of '" .. tostring(k) .. "' is nil (use T.None)", 2) end
    if d[k] == nil then d._keys[#d._keys + 1] = k end
    d[k] = v
  end
  return d
end

-- d[k] = v
function T.set(d, k, v)
  if v == nil then error("T.set: nil value for '" .. tostring(k) .. "' (use T.None or T.del)", 2) end
  if d[k] == nil then d._keys[#d._keys + 1] = k end
  d[k] = v
end

-- del d[k] / d.pop(k): returns the value (nil when absent)
function T.del(d, k)
  local v = d[k]
  if v == nil then return nil end
  d[k] = nil
  local keys = d._keys
  for i = 1, #keys do
    if keys[i] == k then table.remove(keys, i) break end
  end
  return v
end

-- list(d): the keys in order, a fresh list
function T.keys(d)
  local out = {}
  for i, k in ipairs(d._keys) do out[i] = k end
  return out
end

-- for k, v in T.items(d): Python's d.items(), in order
function T.items(d)
  local keys, i = T.keys(d), 0
  return function()
    i = i + 1
    local k = keys[i]
    if k ~= nil then return k, d[k] end
  end
end

-- list(d.values())
function T.values(d)
  local out = {}
  for i, k in ipairs(d._keys) do out[i] = d[k] end
  return out
end

function T.len(x)
  if type(x) == "string" then return utf8.len(x) or #x end
  if T.is_dict(x) then return #x._keys end
  return #x
end

-- copy.deepcopy (a value with no cycles, as JSON data is)
function T.copy(x)
  if type(x) ~= "table" then return x end
  local out = {}
  for k, v in next, x do out[k] = T.copy(v) end
  return out
end

-- Python's ==: numbers by value (1 == 1.0), dicts whatever their key order, lists in order.
function T.eq(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  if T.is_none(a) or T.is_none(b) then return T.is_none(a) and T.is_none(b) end
  if T.is_dict(a) ~= T.is_dict(b) then return false end
  if T.is_dict(a) then
    if #a._keys ~= #b._keys then return false end
    for _, k in ipairs(a._keys) do
      if b[k] == nil or not T.eq(a[k], b[k]) then return false end
    end
    return true
  end
  if #a ~= #b then return false end
  for i = 1, #a do
    if not T.eq(a[i], b[i]) then return false end
  end
  return true
end

-- x in xs, for a list
function T.contains(xs, x)
  for _, v in ipairs(xs) do
    if T.eq(v, x) then return true end
  end
  return false
end

-- round(x, n): Python rounds the exact binary value to n decimals, ties to even, as C's printf
-- does; round(x) (no n) gives an integer, round(x, n) a float.
function T.round(x, n)
  if math.type(x) == "integer" then return x end
  if n == nil then return math.tointeger(tonumber(string.format("%.0f", x))) end
  local s = string.format("%." .. n .. "f", x)
  if n == 0 then s = s .. ".0" end  -- a float, "-0.0" included
  return tonumber(s)
end

-- Python's repr of a float: the shortest digits that read back as the same double, written
-- fixed for decimal exponents -4..15 and as d.ddde+XX otherwise.
local function float_repr(x)
  if x ~= x then return "nan" end
  if x == math.huge then return "inf" end
  if x == -math.huge then return "-inf" end
  if x == 0 then return (1 / x < 0) and "-0.0" or "0.0" end
  local s
  for p = 1, 17 do
    s = string.format("%." .. (p - 1) .. "e", x)
    if tonumber(s) == x then break end
  end
  local sign, int, frac, exp = s:match("^(-?)(%d)%.?(%d*)e([-+]%d+)$")
  local digits = (int .. frac):gsub("0+$", "")
  if digits == "" then digits = "0" end
  local e = tonumber(exp)
  if e < -4 or e >= 16 then
    local m = digits:sub(1, 1)
    if #digits > 1 then m = m .. "." .. digits:sub(2) end
    return string.format("%s%se%s%02d", sign, m, e < 0 and "-" or "+", math.abs(e))
  end
  if e < 0 then return sign .. "0." .. string.rep("0", -e - 1) .. digits end
  if #digits <= e + 1 then return sign .. digits .. string.rep("0", e + 1 - #digits) .. ".0" end
  return sign .. digits:sub(1, e + 1) .. "." .. digits:sub(e + 2)
end

local function number_text(x)
  if math.type(x) == "integer" then return string.format("%d", x) end
  return float_repr(x)
end

-- str(x) for what an f-string shows: numbers, strings, True/False/None; containers as repr.
function T.str(x)
  if type(x) == "string" then return x end
  return T.repr(x)
end

-- repr(x): a str in quotes as Python picks them, a number, a bool, None, a list or a dict.
function T.repr(x)
  local t = type(x)
  if t == "nil" or T.is_none(x) then return "None" end
  if t == "boolean" then return x and "True" or "False" end
  if t == "number" then return number_text(x) end
  if t == "string" then
    local q = (x:find("'", 1, true) and not x:find('"', 1, true)) and '"' or "'"
    local body = x:gsub("[%c\\" .. q .. "]", function(c)
      if c == "\\" then return "\\\\" end
      if c == q then return "\\" .. q end
      if c == "\n" then return "\\n" end
      if c == "\r" then return "\\r" end
      if c == "\t" then return "\\t" end
      return string.format("\\x%02x", c:byte())
    end)
    return q .. body .. q
  end
  local parts = {}
  if T.is_dict(x) then
    for i, k in ipairs(x._keys) do parts[i] = T.repr(k) .. ": " .. T.repr(x[k]) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  for i, v in ipairs(x) do parts[i] = T.repr(v) end
  return "[" .. table.concat(parts, ", ") .. "]"
end

-- A JSON string as json.dumps writes it (ensure_ascii): \" \\ \n \r \t \b \f, every other byte
-- outside ' '..'~' as \u00XX, a character above U+FFFF as a surrogate pair; hex in lower case.
local short_escapes = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
                        ["\b"] = "\\b", ["\f"] = "\\f" }
local function json_string(s)
  if not s:find('[^ !#-%[%]-~]') then return '"' .. s .. '"' end
  local out = {}
  local ok = utf8.len(s) ~= nil
  if ok then
    for _, c in utf8.codes(s) do
      local ch = c < 128 and string.char(c) or nil
      if ch and short_escapes[ch] then
        out[#out + 1] = short_escapes[ch]
      elseif c >= 32 and c < 127 then
        out[#out + 1] = ch
      elseif c < 0x10000 then
        out[#out + 1] = string.format("\\u%04x", c)
      else
        local v = c - 0x10000
        out[#out + 1] = string.format("\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
      end
    end
  else
    for i = 1, #s do
      local ch = s:sub(i, i)
      local b = ch:byte()
      out[#out + 1] = short_escapes[ch] or ((b >= 32 and b < 127) and ch or string.format("\\u%04x", b))
    end
  end
  return '"' .. table.concat(out) .. '"'
end

local function key_text(k)
  if type(k) == "string" then return json_string(k) end
  if type(k) == "boolean" then return k and '"true"' or '"false"' end
  return '"' .. number_text(k) .. '"'
end

local function dumps(x, out, indent, level)
  local t = type(x)
  if t == "string" then out[#out + 1] = json_string(x)
  elseif t == "number" then
    if x ~= x then out[#out + 1] = "NaN"
    elseif x == math.huge then out[#out + 1] = "Infinity"
    elseif x == -math.huge then out[#out + 1] = "-Infinity"
    else out[#out + 1] = number_text(x) end
  elseif t == "boolean" then out[#out + 1] = x and "true" or "false"
  elseif t == "nil" or T.is_none(x) then out[#out + 1] = "null"
  elseif t == "table" then
    local dict = T.is_dict(x)
    local n = dict and #x._keys or #x
    local open, close = dict and "{" or "[", dict and "}" or "]"
    if n == 0 then out[#out + 1] = open .. close return end
    out[#out + 1] = open
    local sep, pad_in, pad_out = ", ", "", ""
    if indent then
      pad_in = "\n" .. string.rep(" ", indent * (level + 1))
      pad_out = "\n" .. string.rep(" ", indent * level)
      sep = ","
    end
    for i = 1, n do
      if i > 1 then out[#out + 1] = sep end
      out[#out + 1] = pad_in
      if dict then
        local k = x._keys[i]
        out[#out + 1] = key_text(k) .. ": "
        dumps(x[k], out, indent, level + 1)
      else
        dumps(x[i], out, indent, level + 1)
      end
    end
    out[#out + 1] = pad_out .. close
  else
    error("T.dumps: cannot write a " .. t, 3)
  end
end

-- json.dumps(x) byte for byte; T.dumps(x, { indent = n }) for json.dumps(x, indent=n).
function T.dumps(x, opts)
  local out = {}
  dumps(x, out, opts and opts.indent, 0)
  return table.concat(out)
end

-- Where two values first differ, as tau's hash tells them apart (to_hashable: a dict's items
-- sorted, so key order does not count; lists in order; str() of the leaves, so 1 and 1.0
-- differ); nil when they are the same.
local function show(v)
  local s = T.dumps(v)
  if #s > 120 then s = s:sub(1, 117) .. "..." end
  return s
end

-- The same values for tau's hash (differ's nil), without building paths: the common case.
local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b and math.type(a) == math.type(b) end
  local ka, kb = a._keys, b._keys
  if (ka == nil) ~= (kb == nil) or (a._none == true) ~= (b._none == true) then return false end
  if ka then
    if #ka ~= #kb then return false end
    for i = 1, #kb do
      local k = kb[i]
      if not same(a[k], b[k]) then return false end
    end
    return true
  end
  if #a ~= #b then return false end
  for i = 1, #a do
    if not same(a[i], b[i]) then return false end
  end
  return true
end

local function differ(a, b, path)
  if same(a, b) then return nil end
  if type(a) ~= "table" or type(b) ~= "table" then
    if a == b and math.type(a) == math.type(b) then return nil end
    if a == nil then return path .. ": missing, gold " .. show(b) end
    if b == nil then return path .. ": " .. show(a) .. ", gold has no such key" end
    return path .. ": " .. show(a) .. ", gold " .. show(b)
  end
  if T.is_dict(a) ~= T.is_dict(b) or T.is_none(a) ~= T.is_none(b) then
    return path .. ": " .. show(a) .. ", gold " .. show(b)
  end
  if T.is_dict(a) then
    for _, k in ipairs(b._keys) do
      local d = differ(a[k], b[k], path .. "." .. tostring(k))
      if d then return d end
    end
    for _, k in ipairs(a._keys) do
      if b[k] == nil then return path .. "." .. tostring(k) .. ": " .. show(a[k]) .. ", gold has no such key" end
    end
    return nil
  end
  for i = 1, math.max(#a, #b) do
    local d = differ(a[i], b[i], path .. "[" .. (i - 1) .. "]")
    if d then return d end
  end
  return nil
end

-- The ways a tau conversation is "done" (envs/base.py: the user's ###STOP###, a terminate tool;
-- a scripted persona that finished plays the user who stopped). Any other end gets reward 0, as
-- tau's loop gives when its step budget runs out.
local done = { user_stop = true, tool_stop = true, persona_done = true }

-- tau-bench's reward. `gold` = { changed = { table = { [id] = record } }, removed = { table =
-- { id, ... } }, outputs = { "..." } } from the importer; `initial` is the database the scenario
-- starts from (its `state`, which spar keeps pristine). Returns true, or false and the evidence.
function T.reward(state, run, gold, initial)
  if run and run.ended and not done[run.ended] then
    return false, "the conversation ended by " .. run.ended .. ", not done: tau gives reward 0"
  end
  local changed, removed = gold.changed or {}, {}
  for name, ids in pairs(gold.removed or {}) do
    removed[name] = {}
    for _, id in ipairs(ids) do removed[name][id] = true end
  end
  for _, name in ipairs(initial._keys) do
    local now, before = state[name], initial[name]
    if type(now) ~= "table" then return false, name .. ": missing from the final state" end
    local ch, rm = changed[name] or {}, removed[name] or {}
    for _, id in ipairs(before._keys) do
      local want = ch[id]
      if want == nil and not rm[id] then want = before[id] end
      local d = differ(now[id], want, name .. "[" .. json_string(id) .. "]")
      if d then return false, d end
    end
    for id, want in pairs(ch) do
      if before[id] == nil then
        local d = differ(now[id], want, name .. "[" .. json_string(id) .. "]")
        if d then return false, d end
      end
    end
    for _, id in ipairs(now._keys) do
      if before[id] == nil and ch[id] == nil then
        return false, name .. "[" .. json_string(id) .. "]: " .. show(now[id]) .. ", gold has no such record"
      end
    end
  end
  for _, output in ipairs(gold.outputs or {}) do
    local want, found = output:lower(), false
    for _, reply in ipairs(run and run.replies or {}) do
      if reply:lower():gsub(",", ""):find(want, 1, true) then found = true break end
    end
    if not found then return false, "no agent reply says the required output " .. json_string(output) end
  end
  return true
end

return T
