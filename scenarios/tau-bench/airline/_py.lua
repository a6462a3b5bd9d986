-- Derived from tau-bench (github.com/sierra-research/tau-bench, 59a200c), MIT licence,
-- Copyright (c) 2024 Sierra Research. See NOTICE.
--
-- The bits of Python the ported airline tools lean on, so that what a real agent can make
-- tau's tools say (a KeyError, a TypeError, json.loads of its arguments) reads the same here.
-- tau's Env.step answers any exception from a tool as f"Error: {e}"; here a Python-style
-- exception is raised with P.raise(message) and P.call turns it into that same text.
local T = include("_tau.lua")

local P = {}

local EXC = {}  -- the metatable that marks a raised Python exception

function P.raise(message) error(setmetatable({ message = message }, EXC), 0) end

-- invoke(...) as Env.step runs it: its result, or "Error: <str(e)>" for a Python exception.
-- Anything else (a bug in the port, the sandbox stopping a script) is raised again.
function P.call(invoke, ...)
  local ok, result = pcall(invoke, ...)
  if ok then return result end
  if getmetatable(result) == EXC then return "Error: " .. result.message end
  error(result, 0)
end

-- Python's type() name of a value held the way _tau.lua holds data.
function P.type(x)
  local t = type(x)
  if T.is_none(x) then return "NoneType" end
  if t == "string" then return "str" end
  if t == "boolean" then return "bool" end
  if t == "number" then return math.type(x) == "integer" and "int" or "float" end
  if t == "table" then return T.is_dict(x) and "dict" or "list" end
  return t
end

local function hashable(key)
  local t = P.type(key)
  if t == "dict" or t == "list" then P.raise("unhashable type: '" .. t .. "'") end
end

-- Python equality of two scalars (1 == 1.0, "1" ~= 1); containers compare by identity here,
-- which the tools never need otherwise.
function P.eq(a, b) return a == b end

-- obj[key], with Python's exceptions.
function P.get(obj, key)
  local t = P.type(obj)
  if t == "dict" then
    hashable(key)
    local v = obj[key]
    if v == nil or key == "_keys" then
      -- a float key equal to an int finds it in Python; the data's keys are strings
      P.raise(T.repr(key))
    end
    return v
  elseif t == "list" then
    local kt = P.type(key)
    if kt ~= "int" and kt ~= "bool" then
      P.raise("list indices must be integers or slices, not " .. kt)
    end
    local i = kt == "bool" and (key and 1 or 0) or key
    if i < 0 then i = #obj + i end
    if i < 0 or i >= #obj then P.raise("list index out of range") end
    return obj[i + 1]
  elseif t == "str" then
    local kt = P.type(key)
    if kt ~= "int" and kt ~= "bool" then P.raise("string indices must be integers, not '" .. kt .. "'") end
    P.raise("string indexing is not ported")  -- no tool indexes a string with an int
  end
  P.raise("'" .. t .. "' object is not subscriptable")
end

-- key in container, with Python's exceptions.
function P.has(container, key)
  local t = P.type(container)
  if t == "dict" then
    hashable(key)
    return key ~= "_keys" and container[key] ~= nil
  elseif t == "list" then
    for i = 1, #container do
      if container[i] == key then return true end
    end
    return false
  elseif t == "str" then
    if type(key) ~= "string" then P.raise("'in <string>' requires string as left operand, not " .. P.type(key)) end
    return string.find(container, key, 1, true) ~= nil
  end
  P.raise("argument of type '" .. t .. "' is not iterable")
end

local function numeric(x)
  local t = P.type(x)
  return t == "int" or t == "float" or t == "bool"
end

local function num(x)
  if type(x) == "boolean" then return x and 1 or 0 end
  return x
end

-- a < b for numbers, as Python answers other types.
function P.lt(a, b)
  if numeric(a) and numeric(b) then return num(a) < num(b) end
  if type(a) == "string" and type(b) == "string" then return a < b end
  P.raise("'<' not supported between instances of '" .. P.type(a) .. "' and '" .. P.type(b) .. "'")
end

local function arith(op, sym)
  return function(a, b)
    if numeric(a) and numeric(b) then return op(num(a), num(b)) end
    if sym == "+" and type(a) == "string" then
      if type(b) == "string" then return a .. b end
      P.raise('can only concatenate str (not "' .. P.type(b) .. '") to str')
    end
    P.raise("unsupported operand type(s) for " .. sym .. ": '" .. P.type(a) .. "' and '" .. P.type(b) .. "'")
  end
end

P.add = arith(function(a, b) return a + b end, "+")
P.sub = arith(function(a, b) return a - b end, "-")
P.mul = arith(function(a, b) return a * b end, "*")

function P.neg(a)
  if numeric(a) then return -num(a) end
  P.raise("bad operand type for unary -: '" .. P.type(a) .. "'")
end

-- sum(xs) as Python adds them, from 0.
function P.sum(xs)
  local total = 0
  for i = 1, #xs do total = P.add(total, xs[i]) end
  return total
end

-- json.loads of the agent's arguments, keeping each object's key order (tau's tools store
-- what the agent passed, and json.dumps writes it back in that order). Integers stay
-- integers, 1.0 stays a float, null is T.None; a repeated key keeps its first place and its
-- last value, as a Python dict does. The engine already checked that the text is JSON.
function P.loads(text)
  local pos = 1
  local value
  local function ws()
    pos = string.find(text, "[^ \t\r\n]", pos) or #text + 1
  end
  local escapes = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
  local function str()
    pos = pos + 1  -- the opening quote
    local parts = {}
    while true do
      local stop = string.find(text, '["\\]', pos)
      parts[#parts + 1] = string.sub(text, pos, stop - 1)
      pos = stop + 1
      if string.sub(text, stop, stop) == '"' then break end
      local c = string.sub(text, pos, pos)
      if c == "u" then
        local cp = tonumber(string.sub(text, pos + 1, pos + 4), 16)
        pos = pos + 5
        if cp >= 0xD800 and cp <= 0xDBFF and string.sub(text, pos, pos + 1) == "\\u" then
          local lo = tonumber(string.sub(text, pos + 2, pos + 5), 16)
          if lo and lo >= 0xDC00 and lo <= 0xDFFF then
            cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
            pos = pos + 6
          end
        end
        parts[#parts + 1] = utf8.char(cp)
      else
        parts[#parts + 1] = escapes[c]
        pos = pos + 1
      end
    end
    return table.concat(parts)
  end
  function value()
    ws()
    local c = string.sub(text, pos, pos)
    if c == "{" then
      local d = T.dict()
      pos = pos + 1
      ws()
      if string.sub(text, pos, pos) == "}" then pos = pos + 1 return d end
      while true do
        ws()
        local k = str()
        ws()
        pos = pos + 1  -- the colon
        T.set(d, k, value())
        ws()
        local sep = string.sub(text, pos, pos)
        pos = pos + 1
        if sep == "}" then return d end
      end
    elseif c == "[" then
      local l = {}
      pos = pos + 1
      ws()
      if string.sub(text, pos, pos) == "]" then pos = pos + 1 return l end
      while true do
        l[#l + 1] = value()
        ws()
        local sep = string.sub(text, pos, pos)
        pos = pos + 1
        if sep == "]" then return l end
      end
    elseif c == '"' then
      return str()
    elseif string.sub(text, pos, pos + 3) == "true" then
      pos = pos + 4 return true
    elseif string.sub(text, pos, pos + 4) == "false" then
      pos = pos + 5 return false
    elseif string.sub(text, pos, pos + 3) == "null" then
      pos = pos + 4 return T.None
    end
    local s, e = string.find(text, "^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
    local lit = string.sub(text, s, e)
    pos = e + 1
    local n = tonumber(lit)  -- an integer literal that fits is an integer; beyond 2^63 a float
    if string.find(lit, "[.eE]") then return n + 0.0 end
    return n
  end
  if text == nil or text == "" then return T.dict() end
  return value()
end

return P
