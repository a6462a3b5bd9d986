-- tau-bench's calculate tool (tau_bench/envs/{retail,airline}/tools/calculate.py), shared by the
-- tau-bench domains: include("_calculate.lua").calculate(expression) answers what
--     if not all(char in "0123456789+-*/(). " for char in expression):
--         return "Error: invalid characters in expression"
--     try: return str(round(float(eval(expression, {"__builtins__": None}, {})), 2))
--     except Exception as e: return f"Error: {e}"
-- answers, byte for byte. Python's own arithmetic is reproduced over the only values those
-- characters can spell: int and float literals, the empty tuple `()`, the operators + - * / // **,
-- unary + and -, parentheses and calls ("(1)(2)": "'int' object is not callable"); with Python's
-- precedence (** binds tighter than a unary minus on its left, and right to left), its int/float
-- promotion, floor division and power rules, and the messages of its ZeroDivisionError,
-- OverflowError, TypeError and the SyntaxErrors such text can raise.
-- Differs from CPython: Python's ints are unbounded, these are 64-bit; an integer result that
-- would overflow 64 bits is computed in floating point instead (Python would stay exact until
-- float() at the end), so results beyond 2^63 may differ in their last digits.
--
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench), MIT License,
-- Copyright (c) 2024 Sierra Research.
local T = include("_tau.lua")
local M = {}

local ALLOWED = "0123456789+-*/(). "

local function syntax(msg, line) error({ py = msg .. " (<string>, line " .. (line or 1) .. ")" }, 0) end
local function raise(msg) error({ py = msg }, 0) end

-- Tokens: { k = "num", v = number } | { k = "op", v = "+", "-", "*", "/", "//", "**", "(", ")", "." },
-- each with `level`, the parenthesis depth after it. Python's tokenizer runs as its parser asks
-- for tokens, so an error of the tokenizer is only raised when the parser reaches it: the
-- tokenizer stops at its first error with a { k = "err", msg } token (an unmatched ')' or a
-- leading zero), and an end of text inside parentheses is "'(' was never closed".
local function tokenize(s)
  local toks, i, n, depth = {}, 1, #s, 0
  local function push(t) t.level = depth toks[#toks + 1] = t end
  while i <= n do
    local c = s:sub(i, i)
    if c == " " then
      i = i + 1
    elseif c:match("%d") or (c == "." and s:sub(i + 1, i + 1):match("%d")) then
      local j = i
      while j <= n and s:sub(j, j):match("%d") do j = j + 1 end
      local is_float = false
      if s:sub(j, j) == "." then
        is_float = true
        j = j + 1
        while j <= n and s:sub(j, j):match("%d") do j = j + 1 end
      end
      local text = s:sub(i, j - 1)
      if is_float then
        push{ k = "num", v = tonumber(text:sub(1, 1) == "." and ("0" .. text) or text) + 0.0 }
      elseif #text > 1 and text:sub(1, 1) == "0" and text:match("[1-9]") then
        push{ k = "err", msg = "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers" }
        return toks, false
      else
        push{ k = "num", v = math.tointeger(tonumber(text)) or tonumber(text .. ".0") }
      end
      i = j
    elseif c == "." then
      push{ k = "op", v = "." }
      i = i + 1
    else
      local two = s:sub(i, i + 1)
      if two == "**" or two == "//" then
        push{ k = "op", v = two }
        i = i + 2
      else
        if c == ")" then
          if depth == 0 then push{ k = "err", msg = "unmatched ')'" } return toks, false end
          depth = depth - 1
        end
        if c == "(" then depth = depth + 1 end
        push{ k = "op", v = c }
        i = i + 1
      end
    end
  end
  return toks, depth > 0
end

-- Parser (Python's grammar restricted to these tokens):
--   expr := term (('+'|'-') term)* ; term := factor (('*'|'/'|'//') factor)*
--   factor := ('+'|'-') factor | power ; power := primary ['**' factor]
--   primary := atom ('(' [expr] ')')* ; atom := NUMBER | '(' [expr] ')'
-- A failure is CPython's: the first pass's "invalid syntax", unless its second pass (the
-- invalid_expression rule) sees two expressions side by side inside parentheses ("Perhaps you
-- forgot a comma?"), or a tokenizer error is met on the way or anywhere after (but an
-- unclosed parenthesis only when the parser reached the end of the text).
local function parse(toks, unclosed)
  local pos = 1
  -- A syntax error of CPython's second pass: a tokenizer error anywhere in the text wins.
  local function custom(msg)
    for _, t in ipairs(toks) do
      if t.k == "err" then syntax(t.msg) end
    end
    syntax(msg)
  end
  local function at(i)
    local t = toks[i]
    if t and t.k == "err" then syntax(t.msg) end
    if not t and unclosed then syntax("'(' was never closed") end
    return t
  end
  local function peek() local t = at(pos) return t and (t.k == "op" and t.v or "num") end
  local function take() pos = pos + 1 return toks[pos - 1] end
  local FAIL = {}
  local function fail() error(FAIL, 0) end
  local expr
  -- '*' or '**' and an expression, where Python takes one (a parenthesis, a call's argument).
  local function starred()
    local p = peek()
    if p ~= "*" and p ~= "**" then return nil end
    take()
    return { "star", p, expr() }
  end
  local function atom()
    local t = at(pos)
    if not t then fail() end
    if t.k == "num" then take() return { "num", t.v } end
    if t.v == "(" then
      take()
      if peek() == ")" then take() return { "tuple" } end
      local star = starred()
      local e = star and star[3] or expr()
      if peek() ~= ")" then fail() end
      take()
      if star then custom(star[2] == "*" and "cannot use starred expression here" or "cannot use double starred expression here") end
      return e
    end
    fail()
  end
  local function primary()
    local a = atom()
    if peek() == "." then  -- an attribute: Python's parser asks for the name after the dot
      take()
      at(pos)
      fail()
    end
    while peek() == "(" do
      take()
      local arg
      if peek() ~= ")" then arg = starred() or expr() end
      if peek() ~= ")" then fail() end
      take()
      a = { "call", a, arg }
    end
    return a
  end
  local factor
  local function power()
    local a = primary()
    if peek() == "**" then take() return { "**", a, factor() } end
    return a
  end
  factor = function()
    local p = peek()
    if p == "+" or p == "-" then take() return { "u" .. p, factor() } end
    return power()
  end
  local function term()
    local a = factor()
    while true do
      local p = peek()
      if p ~= "*" and p ~= "/" and p ~= "//" then return a end
      take()
      a = { p, a, factor() }
    end
  end
  expr = function()
    local a = term()
    while true do
      local p = peek()
      if p ~= "+" and p ~= "-" then return a end
      take()
      a = { p, a, term() }
    end
  end
  local ok, e = pcall(function()
    local e = expr()
    if pos <= #toks then fail() end
    return e
  end)
  if ok then return e end
  if e ~= FAIL then error(e, 0) end
  -- Second pass: an expression right after one that ended at pos - 1.
  local p, comma = pos, false
  local prev, here = toks[p - 1], toks[p]
  if prev and here and here.k == "num" and (prev.k == "num" or prev.v == ")") then
    -- (PEG backtracks: b is whatever prefix of the rest parses, at least its first number.)
    local ok2, e2 = pcall(expr)
    if not ok2 and e2 ~= FAIL then error(e2, 0) end
    local last = ok2 and toks[pos - 1] or here
    comma = last.level > 0
  end
  -- Then the rest of the text is tokenized: its tokenizer error, if any, takes precedence.
  custom(comma and "invalid syntax. Perhaps you forgot a comma?" or "invalid syntax")
end

-- Values: Lua integers (Python int), Lua floats (Python float), TUPLE (the empty tuple).
local TUPLE = setmetatable({}, { __name = "tuple" })
local function tname(v)
  if v == TUPLE then return "tuple" end
  return math.type(v) == "integer" and "int" or "float"
end
local function unsupported(op, a, b)
  raise(("unsupported operand type(s) for %s: '%s' and '%s'"):format(op, tname(a), tname(b)))
end
local function is_int(v) return math.type(v) == "integer" end
local function repr(v)
  if v == TUPLE then return "()" end
  return T.str(v)
end
local function tofloat(v) return math.type(v) == "integer" and v + 0.0 or v end  -- keeps -0.0

-- Python's float floor division (floatobject.c, float_floor_div).
local function float_floordiv(vx, wx)
  if wx == 0 then raise("float floor division by zero") end
  local mod = math.fmod(vx, wx)
  local div = (vx - mod) / wx
  if mod ~= 0 then
    if (wx < 0) ~= (mod < 0) then div = div - 1.0 end
  end
  if div ~= 0 then
    local fl = math.floor(div) + 0.0
    if div - fl > 0.5 then fl = fl + 1.0 end
    return fl
  end
  local q = vx / wx
  return (q < 0 or 1 / q < 0) and -0.0 or 0.0
end

local HUGE = 2 ^ 63
local function int_or_float(exact, approx)
  -- Lua integers wrap; when the float result says it left 64 bits, keep the float (and where
  -- even a float cannot hold it, Python's float() of the int fails).
  if math.abs(approx) == math.huge then raise("int too large to convert to float") end
  if math.abs(approx) >= HUGE then return approx end
  return exact
end

local function pow(a, b)
  if is_int(a) and is_int(b) then
    if b >= 0 then
      local r, base, e = 1, a, b
      local approx = tofloat(a) ^ tofloat(b)
      if math.abs(approx) >= HUGE then return int_or_float(nil, approx) end
      while e > 0 do
        if e % 2 == 1 then r = r * base end
        base = base * base
        e = e // 2
      end
      return r
    end
    if a == 0 then raise("0.0 cannot be raised to a negative power") end
  end
  local x, y = tofloat(a), tofloat(b)
  if x == 0 and y < 0 then raise("0.0 cannot be raised to a negative power") end
  if x < 0 and y ~= math.floor(y) and y == y and math.abs(y) ~= math.huge then
    raise("float() argument must be a string or a real number, not 'complex'")  -- a complex result
  end
  local r = x ^ y
  if (r == math.huge or r == -math.huge) and x == x and math.abs(x) ~= math.huge and math.abs(y) ~= math.huge then
    raise("(34, 'Numerical result out of range')")
  end
  return r
end

local eval
local function binop(op, a, b)
  if a == TUPLE or b == TUPLE then
    if op == "+" then
      if a == TUPLE and b == TUPLE then return TUPLE end
      if a == TUPLE then raise(('can only concatenate tuple (not "%s") to tuple'):format(tname(b))) end
      unsupported("+", a, b)
    elseif op == "*" then
      if a == TUPLE and b == TUPLE then raise("can't multiply sequence by non-int of type 'tuple'") end
      local n = a == TUPLE and b or a
      if not is_int(n) then raise(("can't multiply sequence by non-int of type '%s'"):format(tname(n))) end
      return TUPLE
    elseif op == "**" then
      raise(("unsupported operand type(s) for ** or pow(): '%s' and '%s'"):format(tname(a), tname(b)))
    end
    unsupported(op, a, b)
  end
  if op == "+" then
    if is_int(a) and is_int(b) then return int_or_float(a + b, tofloat(a) + tofloat(b)) end
    return tofloat(a) + tofloat(b)
  elseif op == "-" then
    if is_int(a) and is_int(b) then return int_or_float(a - b, tofloat(a) - tofloat(b)) end
    return tofloat(a) - tofloat(b)
  elseif op == "*" then
    if is_int(a) and is_int(b) then return int_or_float(a * b, tofloat(a) * tofloat(b)) end
    return tofloat(a) * tofloat(b)
  elseif op == "/" then
    if b == 0 then raise((is_int(a) and is_int(b)) and "division by zero" or "float division by zero") end
    return tofloat(a) / tofloat(b)
  elseif op == "//" then
    if is_int(a) and is_int(b) then
      if b == 0 then raise("integer division or modulo by zero") end
      return a // b
    end
    return float_floordiv(tofloat(a), tofloat(b))
  elseif op == "**" then
    return pow(a, b)
  end
end

eval = function(node)
  local kind = node[1]
  if kind == "num" then return node[2] end
  if kind == "tuple" then return TUPLE end
  if kind == "call" then
    local f = eval(node[2])
    local arg = node[3]
    if arg and arg[1] == "star" then
      local v = eval(arg[3])
      if arg[2] == "**" then
        raise(("%s argument after ** must be a mapping, not %s"):format(repr(f), tname(v)))
      elseif v ~= TUPLE then
        raise(("%s argument after * must be an iterable, not %s"):format(repr(f), tname(v)))
      end
    elseif arg then
      eval(arg)
    end
    raise(("'%s' object is not callable"):format(tname(f)))
  end
  if kind == "u+" or kind == "u-" then
    local v = eval(node[2])
    if v == TUPLE then raise(("bad operand type for unary %s: 'tuple'"):format(kind:sub(2))) end
    if kind == "u+" then return v end
    if is_int(v) then return v == math.mininteger and -tofloat(v) or -v end
    return -v
  end
  local a = eval(node[2])
  local b = eval(node[3])
  return binop(kind, a, b)
end

function M.calculate(expression)
  for i = 1, #expression do
    if not ALLOWED:find(expression:sub(i, i), 1, true) then return "Error: invalid characters in expression" end
  end
  local ok, result = pcall(function()
    if not expression:find("[^ ]") then syntax("invalid syntax", 0) end
    local v = eval(parse(tokenize(expression)))
    if v == TUPLE then raise("float() argument must be a string or a real number, not 'tuple'") end
    v = tofloat(v)
    if v ~= v or v == math.huge or v == -math.huge then return T.str(v) end  -- round() keeps them
    return T.str(T.round(v, 2))
  end)
  if ok then return result end
  if type(result) == "table" and result.py then return "Error: " .. result.py end
  error(result, 0)
end

return M
