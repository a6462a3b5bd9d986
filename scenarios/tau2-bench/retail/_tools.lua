-- tau2-bench's retail tools (src/tau2/domains/retail/tools.py at a2c024725189473d2d7cea3a5cfdbcc67478e41f),
-- ported line by line to Lua over the database as tau2's pydantic models dump it.
-- Derived from tau2-bench (https://github.com/sierra-research/tau2-bench at a2c0247), MIT License,
-- Copyright (c) 2025 Sierra Research. spar's NOTICE lists what is derived from where; the licence
-- text is in LICENSES/tau2-bench.txt.
--
-- Each tool answers what tau2's environment sends the agent (environment.py, get_response and
-- to_json_str): a returned pydantic model as json.dumps(model.model_dump()), a returned string as
-- itself, and an exception as "Error: " .. str(exception). The names, descriptions and parameter
-- schemas come from tau2's own Tool objects (generated into _schemas.lua by
-- tools/tau-import/tau2_retail.py). Every dict is a table with its key order in `_keys`
-- (scenarios/_tau.lua), so the JSON text is tau2's byte for byte.
--
-- Python behaviour that is reproduced: float fields stay floats (pydantic coerces at model
-- construction: OrderPayment amounts, addresses), but a value assigned to a model field after
-- construction is kept as Python left it (exchange_price_difference is the int 0 when no item
-- is exchanged); an unexpected argument answers Python's TypeError text. What is not reproduced
-- is listed in docs/tau.md ("tau2-bench retail") and in the report of issue 15.
local T = include("_tau.lua")
local schemas = include("_schemas.lua")

local M = {}

-- raise(msg): Python `raise ValueError(msg)`; the tool call answers "Error: " .. msg.
local RAISE = {}
local function raise(msg) error(setmetatable({ msg = msg }, RAISE), 0) end

local function float(x) return x + 0.0 end -- pydantic's float field coercion

local function count(list, x)
  local n = 0
  for _, v in ipairs(list) do if v == x then n = n + 1 end end
  return n
end

local function sorted(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = v end
  table.sort(out)
  return out
end

-- Python's round(x, 2): an int stays an int.
local function pyround(x, n)
  if math.type(x) == "integer" then return x end
  return T.round(x, n)
end

local function is_gift_card(pm) return pm.source == "gift_card" end

-- The private helpers of RetailTools.
local function get_order(db, order_id)
  local order = db.orders[order_id]
  if order == nil or order_id == "_keys" then raise("Order not found") end
  return order
end

local function get_user(db, user_id)
  local user = db.users[user_id]
  if user == nil or user_id == "_keys" then raise("User not found") end
  return user
end

local function get_product(db, product_id)
  local product = db.products[product_id]
  if product == nil or product_id == "_keys" then raise("Product not found") end
  return product
end

local function get_item(db, item_id)
  for _, product in T.items(db.products) do
    if item_id ~= "_keys" and product.variants[item_id] ~= nil then return product.variants[item_id] end
  end
  raise("Item not found")
end

local function get_variant(db, product_id, variant_id)
  local product = get_product(db, product_id)
  if variant_id == "_keys" or product.variants[variant_id] == nil then raise("Variant not found") end
  return product.variants[variant_id]
end

local function get_payment_method(db, user_id, payment_method_id)
  local user = get_user(db, user_id)
  if payment_method_id == "_keys" or user.payment_methods[payment_method_id] == nil then
    raise("Payment method not found")
  end
  return user.payment_methods[payment_method_id]
end

local function is_pending_order(order) return string.find(order.status, "pending", 1, true) ~= nil end

local function first_item(order, item_id)
  for _, item in ipairs(order.items) do
    if item.item_id == item_id then return item end
  end
  return nil
end

local function address(a)
  return T.dict("address1", a.address1, "address2", a.address2, "city", a.city, "country", a.country,
    "state", a.state, "zip", a.zip)
end

local run = {}

-- calculate: Python's eval of +, -, *, /, //, **, parentheses over int and float literals
-- (the only characters the tool lets through), then str(round(float(value), 2)).
local calc = {}
do
  local function syntax(msg) raise(msg .. " (<string>, line 1)") end

  -- A Python number: ints are exact (Lua integers; past 2^63 they become floats, where Python
  -- stays exact), floats are doubles.
  local function tokens(s)
    local out, i = {}, 1
    while i <= #s do
      local c = s:sub(i, i)
      if c == " " then
        i = i + 1
      elseif c:match("[%d.]") then
        local num = s:match("^%d*%.?%d*", i)
        if num == "." then syntax("invalid syntax") end
        if num:find("%.") then
          out[#out + 1] = { kind = "num", value = tonumber((num:sub(-1) == "." and num .. "0") or (num:sub(1, 1) == "." and "0" .. num) or num) + 0.0 }
        else
          if #num > 1 and num:sub(1, 1) == "0" and num:match("[1-9]") then
            syntax("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers")
          end
          out[#out + 1] = { kind = "num", value = math.tointeger(tonumber(num)) or tonumber(num) }
        end
        i = i + #num
        local nextc = s:sub(i, i)
        if nextc ~= "" and nextc:match("[%d.]") then syntax("invalid syntax") end
      elseif c == "*" and s:sub(i + 1, i + 1) == "*" then
        out[#out + 1] = { kind = "**" }; i = i + 2
      elseif c == "/" and s:sub(i + 1, i + 1) == "/" then
        out[#out + 1] = { kind = "//" }; i = i + 2
      else
        out[#out + 1] = { kind = c }; i = i + 1
      end
    end
    return out
  end

  local function is_float(x) return math.type(x) == "float" end

  local function div(a, b)
    if b == 0 then raise((is_float(a) or is_float(b)) and "float division by zero" or "division by zero") end
    return float(a) / float(b)
  end

  local function floordiv(a, b)
    if b == 0 then
      raise((is_float(a) or is_float(b)) and "float floor division by zero" or "integer division or modulo by zero")
    end
    if is_float(a) or is_float(b) then return math.floor(float(a) / float(b)) + 0.0 end
    return a // b
  end

  local function pow(a, b)
    if math.type(a) == "integer" and math.type(b) == "integer" then
      if b < 0 then
        if a == 0 then raise("0.0 cannot be raised to a negative power") end
        return float(a) ^ b
      end
      local r = 1
      for _ = 1, b do
        r = r * a
        if r > 2 ^ 53 or r < -(2 ^ 53) then return float(a) ^ b end
      end
      return r
    end
    if a == 0 and b < 0 then raise("0.0 cannot be raised to a negative power") end
    return float(a) ^ b
  end

  function calc.eval(s)
    local toks, pos = tokens(s), 1
    local function peek() return toks[pos] and toks[pos].kind end
    local expr
    local function atom()
      local t = toks[pos]
      if t == nil then syntax("invalid syntax") end
      if t.kind == "num" then pos = pos + 1 return t.value end
      if t.kind == "(" then
        pos = pos + 1
        if peek() == ")" then syntax("invalid syntax") end -- () is an empty tuple: float(()) fails
        local v = expr()
        if peek() ~= ")" then
          if peek() == nil then syntax("'(' was never closed") end
          syntax("invalid syntax")
        end
        pos = pos + 1
        if peek() == "(" or peek() == "num" then syntax("invalid syntax") end
        return v
      end
      if t.kind == ")" then syntax("unmatched ')'") end
      syntax("invalid syntax")
    end
    local unary
    local function power()
      local base = atom()
      if peek() == "**" then
        pos = pos + 1
        return pow(base, unary())
      end
      return base
    end
    function unary()
      local k = peek()
      if k == "-" then pos = pos + 1 return -unary() end
      if k == "+" then pos = pos + 1 return unary() end
      return power()
    end
    local function term()
      local v = unary()
      while true do
        local k = peek()
        if k == "*" then pos = pos + 1 v = v * unary()
        elseif k == "/" then pos = pos + 1 v = div(v, unary())
        elseif k == "//" then pos = pos + 1 v = floordiv(v, unary())
        else return v end
      end
    end
    function expr()
      local v = term()
      while true do
        local k = peek()
        if k == "+" then pos = pos + 1 v = v + term()
        elseif k == "-" then pos = pos + 1 v = v - term()
        else return v end
      end
    end
    if #toks == 0 then raise("invalid syntax (<string>, line 0)") end
    local v = expr()
    if pos <= #toks then
      if peek() == ")" then syntax("unmatched ')'") end
      syntax("invalid syntax")
    end
    return v
  end
end

function run.calculate(db, a)
  local expression = a.expression
  for i = 1, #expression do
    if not string.find("0123456789+-*/(). ", expression:sub(i, i), 1, true) then
      raise("Invalid characters in expression")
    end
  end
  return T.str(T.round(float(calc.eval(expression)), 2))
end

function run.cancel_pending_order(db, a)
  -- check order exists and is pending
  local order = get_order(db, a.order_id)
  if order.status ~= "pending" then raise("Non-pending order cannot be cancelled") end

  -- check reason
  if a.reason ~= "no longer needed" and a.reason ~= "ordered by mistake" then raise("Invalid reason") end

  -- handle refund
  local refunds = {}
  for _, payment in ipairs(order.payment_history) do
    local payment_id = payment.payment_method_id
    refunds[#refunds + 1] = T.dict("transaction_type", "refund", "amount", float(payment.amount),
      "payment_method_id", payment_id)
    local user = get_user(db, order.user_id)
    local payment_method = get_payment_method(db, user.user_id, payment_id)
    if is_gift_card(payment_method) then -- refund to gift card immediately
      payment_method.balance = payment_method.balance + payment.amount
      payment_method.balance = pyround(payment_method.balance, 2)
    end
  end

  -- update order status
  T.set(order, "status", "cancelled")
  T.set(order, "cancel_reason", a.reason)
  for _, r in ipairs(refunds) do order.payment_history[#order.payment_history + 1] = r end
  return order
end

function run.exchange_delivered_order_items(db, a)
  local item_ids, new_item_ids = a.item_ids, a.new_item_ids
  -- check order exists and is delivered
  local order = get_order(db, a.order_id)
  if order.status ~= "delivered" then raise("Non-delivered order cannot be exchanged") end

  -- check the items to be exchanged exist. There can be duplicate items in the list.
  local all_item_ids = {}
  for i, item in ipairs(order.items) do all_item_ids[i] = item.item_id end
  for _, item_id in ipairs(item_ids) do
    if count(item_ids, item_id) > count(all_item_ids, item_id) then raise("Number of " .. item_id .. " not found.") end
  end

  -- check new items exist and match old items and are available
  if #item_ids ~= #new_item_ids then raise("The number of items to be exchanged should match.") end

  local diff_price = 0
  for i, item_id in ipairs(item_ids) do
    local new_item_id = new_item_ids[i]
    local item = first_item(order, item_id)
    if item == nil then raise("Item " .. item_id .. " not found") end
    local variant = get_variant(db, item.product_id, new_item_id)
    if not variant.available then raise("New item " .. new_item_id .. " not found or available") end
    diff_price = diff_price + (variant.price - item.price)
  end
  diff_price = pyround(diff_price, 2)

  -- check payment method exists and can cover the price difference if gift card
  local payment_method = get_payment_method(db, order.user_id, a.payment_method_id)
  if is_gift_card(payment_method) and payment_method.balance < diff_price then
    raise("Insufficient gift card balance to pay for the price difference")
  end

  -- modify the order
  T.set(order, "status", "exchange requested")
  T.set(order, "exchange_items", sorted(item_ids))
  T.set(order, "exchange_new_items", sorted(new_item_ids))
  T.set(order, "exchange_payment_method_id", a.payment_method_id)
  T.set(order, "exchange_price_difference", diff_price)
  return order
end

function run.find_user_id_by_name_zip(db, a)
  local first, last = a.first_name:lower(), a.last_name:lower()
  for user_id, user in T.items(db.users) do
    if user.name.first_name:lower() == first and user.name.last_name:lower() == last and user.address.zip == a.zip then
      return user_id
    end
  end
  raise("User not found")
end

function run.find_user_id_by_email(db, a)
  local email = a.email:lower()
  for user_id, user in T.items(db.users) do
    if user.email:lower() == email then return user_id end
  end
  raise("User not found")
end

function run.get_order_details(db, a) return get_order(db, a.order_id) end

function run.get_product_details(db, a) return get_product(db, a.product_id) end

function run.get_item_details(db, a) return get_item(db, a.item_id) end

function run.get_user_details(db, a) return get_user(db, a.user_id) end

function run.list_all_product_types(db, a)
  local by_name, names = {}, {}
  for _, product in T.items(db.products) do
    if by_name[product.name] == nil then names[#names + 1] = product.name end
    by_name[product.name] = product.product_id
  end
  table.sort(names) -- json.dumps(..., sort_keys=True)
  local d = T.dict()
  for _, name in ipairs(names) do T.set(d, name, by_name[name]) end
  return T.dumps(d)
end

function run.modify_pending_order_address(db, a)
  -- Check if the order exists and is pending
  local order = get_order(db, a.order_id)
  if not is_pending_order(order) then raise("Non-pending order cannot be modified") end
  -- Modify the address
  T.set(order, "address", address(a))
  return order
end

-- tau2 at the pinned commit prices every modified item at the LAST new item's price and gives
-- it the last new item's options (`variant` is the loop variable left over from the check
-- loop; upstream issues #317/#318): reproduced as tau2 behaves, not as it should.
function run.modify_pending_order_items(db, a)
  local item_ids, new_item_ids = a.item_ids, a.new_item_ids
  -- Check if the order exists and is pending
  local order = get_order(db, a.order_id)
  if order.status ~= "pending" then raise("Non-pending order cannot be modified") end

  -- Check if the items to be modified exist. There can be duplicate items in the list.
  local all_item_ids = {}
  for i, item in ipairs(order.items) do all_item_ids[i] = item.item_id end
  for _, item_id in ipairs(item_ids) do
    if count(item_ids, item_id) > count(all_item_ids, item_id) then raise(item_id .. " not found") end
  end

  -- Check new items exist, match old items, and are available
  if #item_ids ~= #new_item_ids then raise("The number of items to be exchanged should match") end

  local diff_price, variant = 0, nil
  for i, item_id in ipairs(item_ids) do
    local new_item_id = new_item_ids[i]
    if item_id == new_item_id then raise("The new item id should be different from the old item id") end
    local item = first_item(order, item_id)
    if item == nil then raise("Item " .. item_id .. " not found") end
    variant = get_variant(db, item.product_id, new_item_id)
    if not variant.available then raise("New item " .. new_item_id .. " not found or available") end
    diff_price = diff_price + (variant.price - item.price)
  end

  -- Check if the payment method exists
  local payment_method = get_payment_method(db, order.user_id, a.payment_method_id)

  -- If the new item is more expensive, check if the gift card has enough balance
  if is_gift_card(payment_method) and payment_method.balance < diff_price then
    raise("Insufficient gift card balance to pay for the new item")
  end

  -- Handle the payment or refund
  order.payment_history[#order.payment_history + 1] = T.dict(
    "transaction_type", diff_price > 0 and "payment" or "refund",
    "amount", float(math.abs(diff_price)),
    "payment_method_id", a.payment_method_id)
  if is_gift_card(payment_method) then
    payment_method.balance = payment_method.balance - diff_price
    payment_method.balance = pyround(payment_method.balance, 2)
  end

  -- Modify the order
  for i, item_id in ipairs(item_ids) do
    local item = first_item(order, item_id)
    if item == nil then raise("Item " .. item_id .. " not found") end
    local new_item_id = new_item_ids[i]
    T.set(item, "item_id", new_item_id)
    T.set(item, "price", variant.price)
    T.set(item, "options", variant.options) -- the same dict, as Python shares it
  end
  T.set(order, "status", "pending (item modified)")
  return order
end

function run.modify_pending_order_payment(db, a)
  local order = get_order(db, a.order_id)

  -- Check if the order exists and is pending
  if not is_pending_order(order) then raise("Non-pending order cannot be modified") end

  -- Check if the payment method exists
  local payment_method = get_payment_method(db, order.user_id, a.payment_method_id)

  -- Check that the payment history should only have one payment
  if #order.payment_history ~= 1 or order.payment_history[1].transaction_type ~= "payment" then
    raise("There should be exactly one payment for a pending order")
  end

  -- Check that the payment method is different
  if order.payment_history[1].payment_method_id == a.payment_method_id then
    raise("The new payment method should be different from the current one")
  end

  local amount = order.payment_history[1].amount

  -- Check if the new payment method has enough balance if it is a gift card
  if is_gift_card(payment_method) and payment_method.balance < amount then
    raise("Insufficient gift card balance to pay for the order")
  end

  -- Modify the payment method
  local old_id = order.payment_history[1].payment_method_id
  local ph = order.payment_history
  ph[#ph + 1] = T.dict("transaction_type", "payment", "amount", float(amount), "payment_method_id", a.payment_method_id)
  ph[#ph + 1] = T.dict("transaction_type", "refund", "amount", float(amount), "payment_method_id", old_id)

  -- If payment is made by gift card, update the balance
  if is_gift_card(payment_method) then
    payment_method.balance = payment_method.balance - amount
    payment_method.balance = pyround(payment_method.balance, 2)
  end

  -- If refund is made to a gift card, update the balance
  local old_payment_method = get_payment_method(db, order.user_id, order.payment_history[1].payment_method_id)
  if is_gift_card(old_payment_method) then
    old_payment_method.balance = old_payment_method.balance + amount
    old_payment_method.balance = pyround(old_payment_method.balance, 2)
  end
  return order
end

function run.modify_user_address(db, a)
  local user = get_user(db, a.user_id)
  T.set(user, "address", address(a))
  return user
end

function run.return_delivered_order_items(db, a)
  local item_ids = a.item_ids
  local order = get_order(db, a.order_id)
  if order.status ~= "delivered" then raise("Non-delivered order cannot be returned") end

  -- Check if the payment method exists and is either the original payment method or a gift card
  local user = get_user(db, order.user_id)
  local payment_method = get_payment_method(db, user.user_id, a.payment_method_id)

  if not is_gift_card(payment_method) and a.payment_method_id ~= order.payment_history[1].payment_method_id then
    raise("Payment method should be the original payment method")
  end

  -- Check if the items to be returned exist (there could be duplicate items in either list)
  local all_item_ids = {}
  for i, item in ipairs(order.items) do all_item_ids[i] = item.item_id end
  for _, item_id in ipairs(item_ids) do
    if count(item_ids, item_id) > count(all_item_ids, item_id) then raise("Some item not found") end
  end

  -- Update the order status
  T.set(order, "status", "return requested")
  T.set(order, "return_items", sorted(item_ids))
  T.set(order, "return_payment_method_id", a.payment_method_id)
  return order
end

function run.transfer_to_human_agents(db, a) return "Transfer successful" end

-- M.call(name, db, args): the tool message text tau2's environment sends for this call.
function M.call(name, db, args)
  local schema = schemas[name]
  for k in pairs(args) do
    if schema.parameters.properties[k] == nil then
      return "Error: RetailTools." .. name .. "() got an unexpected keyword argument '" .. tostring(k) .. "'"
    end
  end
  local ok, res = pcall(run[name], db, args)
  if not ok then
    if getmetatable(res) == RAISE then return "Error: " .. res.msg end
    error(res, 0)
  end
  if type(res) == "string" then return res end
  return T.dumps(res)
end

-- M.tools: every tool as a spar scenario tool, in tau2's order (schemas.order).
M.tools = {}
for _, name in ipairs(schemas.order) do
  M.tools[name] = {
    description = schemas[name].description,
    parameters = schemas[name].parameters,
    run = function(state, args) return M.call(name, state, args) end,
  }
end

return M
