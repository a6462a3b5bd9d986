-- Derived from tau-bench (github.com/sierra-research/tau-bench, 59a200c), MIT licence,
-- Copyright (c) 2024 Sierra Research. See NOTICE.
--
-- tau-bench airline's `calculate` runs eval(expression, {"__builtins__": None}, {}) on a text
-- made only of "0123456789+-*/(). ", then answers str(round(float(value), 2)). This is that
-- corner of Python 3.11: int and float literals, + - * / // ** and parentheses, Python's
-- numeric rules (int / int is a float, // floors, ** of ints stays an int), and the messages of
-- the exceptions such a text can raise.
local T = include("_tau.lua")
local P = include("_py.lua")

local C = {}

local function syntax(what, line) P.raise(what .. " (<string>, line " .. (line or 1) .. ")") end

-- Python's tokenizer over the allowed characters: numbers, operators, parentheses.
local function tokenize(s)
  local tokens, pos, depth = {}, 1, 0
  local n = #s
  while pos <= n do
    local c = s:sub(pos, pos)
    if c == " " then
      pos = pos + 1
    elseif c:match("%d") or (c == "." and s:sub(pos + 1, pos + 1):match("%d")) then
      local lit = s:match("^%d*%.?%d*", pos)
      if not lit:find("%.") and #lit > 1 and lit:sub(1, 1) == "0" and lit:find("[1-9]") then
        syntax("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers")
      end
      tokens[#tokens + 1] = { kind = "num", text = lit }
      pos = pos + #lit
    elseif s:sub(pos, pos + 1) == "**" or s:sub(pos, pos + 1) == "//" then
      tokens[#tokens + 1] = { kind = s:sub(pos, pos + 1) }
      pos = pos + 2
    else
      if c == "(" then depth = depth + 1 end
      if c == ")" then
        if depth == 0 then syntax("unmatched ')'") end
        depth = depth - 1
      end
      tokens[#tokens + 1] = { kind = c }
      pos = pos + 1
    end
  end
  if depth > 0 then syntax("'(' was never closed") end
  return tokens
end

local function isint(x) return math.type(x) == "integer" end

local TUPLE = setmetatable({}, { __name = "tuple" })

local function typename(x)
  if x == TUPLE then return "tuple" end
  return P.type(x)
end

local function check(a, b, sym)
  if a == TUPLE or b == TUPLE then
    P.raise("unsupported operand type(s) for " .. sym .. ": '" .. typename(a) .. "' and '" .. typename(b) .. "'")
  end
end

local LIMIT = 2 ^ 63

-- An int result past Lua's 64 bits goes on as a float (Python's would be exact).
local function intop(a, b, exact, approx)
  local f = approx(a + 0.0, b + 0.0)
  if f >= LIMIT or f < -LIMIT then return f end
  return exact(a, b)
end

local function add(a, b)
  check(a, b, "+")
  if isint(a) and isint(b) then return intop(a, b, function(x, y) return x + y end, function(x, y) return x + y end) end
  return a + b
end

local function sub(a, b)
  check(a, b, "-")
  if isint(a) and isint(b) then return intop(a, b, function(x, y) return x - y end, function(x, y) return x - y end) end
  return a - b
end

local function mul(a, b)
  check(a, b, "*")
  if isint(a) and isint(b) then return intop(a, b, function(x, y) return x * y end, function(x, y) return x * y end) end
  return a * b
end

local function div(a, b)
  check(a, b, "/")
  if b == 0 then P.raise((isint(a) and isint(b)) and "division by zero" or "float division by zero") end
  return (a + 0.0) / (b + 0.0)
end

local function floordiv(a, b)
  check(a, b, "//")
  if b == 0 then
    P.raise((isint(a) and isint(b)) and "integer division or modulo by zero" or "float floor division by zero")
  end
  if isint(a) and isint(b) then return a // b end
  return (a + 0.0) // (b + 0.0)
end

local OVERFLOW = "(34, 'Numerical result out of range')"

local function pow(a, b)
  check(a, b, "**")
  if isint(a) and isint(b) and b >= 0 then
    local result, base, e = 1, a, b
    while e > 0 do
      if e % 2 == 1 then result = mul(result, base) end
      e = e // 2
      if e > 0 then base = mul(base, base) end
      if not isint(result) or not isint(base) then  -- past 64 bits: a float, as float(big int) would be
        local f = (a + 0.0) ^ b
        if f == math.huge or f == -math.huge then P.raise("int too large to convert to float") end
        return f
      end
    end
    return result
  end
  local x, y = a + 0.0, b + 0.0
  if x == 0 and y < 0 then P.raise("0.0 cannot be raised to a negative power") end
  if x < 0 and y ~= math.floor(y) then return "complex" end
  local r = x ^ y
  if (r == math.huge or r == -math.huge) and x ~= math.huge and x ~= -math.huge then P.raise(OVERFLOW) end
  return r
end

local function neg(a)
  if a == TUPLE then P.raise("bad operand type for unary -: 'tuple'") end
  if isint(a) and a == math.mininteger then return -(a + 0.0) end
  return -a
end

local function pos_(a)
  if a == TUPLE then P.raise("bad operand type for unary +: 'tuple'") end
  return a
end

-- Recursive descent in Python's precedence: + -, then * / //, then unary + -, then **.
local function parse(tokens)
  local i = 1
  local function peek() return tokens[i] and tokens[i].kind end
  local function fail() syntax("invalid syntax") end
  local expr, factor
  local function atom()
    local k = peek()
    if k == "num" then
      local text = tokens[i].text
      i = i + 1
      if text:find("%.") then return tonumber(text) + 0.0 end
      local v = math.tointeger(tonumber(text))
      return v or tonumber(text) + 0.0
    elseif k == "(" then
      i = i + 1
      if peek() == ")" then
        i = i + 1
        return TUPLE
      end
      local v = expr()
      if peek() ~= ")" then fail() end
      i = i + 1
      return v
    end
    fail()
  end
  local function primary()
    local v = atom()
    while peek() == "(" do  -- a call: its arguments are evaluated, then the call fails
      i = i + 1
      local args
      if peek() ~= ")" then
        args = expr()
        if peek() ~= ")" then fail() end
      end
      i = i + 1
      v = { call = v, args = args }
    end
    return v
  end
  local function power()
    local v = primary()
    if peek() == "**" then
      i = i + 1
      local e = factor()
      return { pow = true, base = v, exp = e }
    end
    return v
  end
  function factor()
    local k = peek()
    if k == "+" or k == "-" then
      i = i + 1
      return { unary = k, of = factor() }
    end
    return power()
  end
  local function term()
    local v = factor()
    while peek() == "*" or peek() == "/" or peek() == "//" do
      local op = peek()
      i = i + 1
      v = { op = op, a = v, b = factor() }
    end
    return v
  end
  function expr()
    local v = term()
    while peek() == "+" or peek() == "-" do
      local op = peek()
      i = i + 1
      v = { op = op, a = v, b = term() }
    end
    return v
  end
  local tree = expr()
  if i <= #tokens then fail() end
  return tree
end

-- Evaluates the tree left to right, as CPython does.
local function eval(node)
  if type(node) ~= "table" or node == TUPLE then return node end
  if node.call then
    local f = eval(node.call)
    if node.args then eval(node.args) end
    P.raise("'" .. (f == "complex" and "complex" or typename(f)) .. "' object is not callable")
  end
  if node.unary then
    local v = eval(node.of)
    if v == "complex" then P.raise("complex unary is not ported") end
    return node.unary == "-" and neg(v) or pos_(v)
  end
  if node.pow then
    local base, exp = eval(node.base), eval(node.exp)
    return pow(base, exp)
  end
  local a, b = eval(node.a), eval(node.b)
  if a == "complex" or b == "complex" then P.raise("complex arithmetic is not ported") end
  if node.op == "+" then return add(a, b) end
  if node.op == "-" then return sub(a, b) end
  if node.op == "*" then return mul(a, b) end
  if node.op == "/" then return div(a, b) end
  return floordiv(a, b)
end

-- str(round(float(eval(expression)), 2)), raising what Python raises.
function C.calculate(expression)
  if not expression:find("[^ ]") then syntax("invalid syntax", 0) end
  local tokens = tokenize(expression)
  local value = eval(parse(tokens))
  if value == TUPLE then P.raise("float() argument must be a string or a real number, not 'tuple'") end
  if value == "complex" then P.raise("float() argument must be a string or a real number, not 'complex'") end
  return T.str(T.round(value + 0.0, 2))
end

return C
