-- tau-bench retail's 16 tools (tau_bench/envs/retail/tools/*.py, ALL_TOOLS), ported line by line
-- over the database of _db.lua (dicts carry their key order in `_keys`, see _tau.lua). Each
-- answers what tau's Python answers, byte for byte: json.dumps of the record, the same
-- "Error: ..." strings, and the TypeError tau's env turns into "Error: ..." when an agent passes
-- an argument the tool does not take. The names, descriptions and parameter schemas are tau's
-- get_info(), generated from tau's Python into _schemas.lua by tools/tau-import/tau_bench_retail.py.
--
-- Not reproduced (spar answers first, as {"error": "..."}): a call missing a required argument
-- or with an argument of the wrong JSON type (spar checks the schema before the tool runs; tau
-- would answer "Error: X.invoke() missing 1 required positional argument: 'reason'" or fail
-- further in), and an unknown tool name (tau: "Unknown action NAME"). With two or more unknown
-- arguments tau names the first in the agent's JSON order; the JSON object reaches Lua without
-- its order, so the smallest name is named instead.
--
-- Derived from tau-bench (https://github.com/sierra-research/tau-bench), MIT License,
-- Copyright (c) 2024 Sierra Research.
local T = include("_tau.lua")
local calc = include("_calculate.lua")
local schemas = include("_schemas.lua")

local M = {}

-- str.lower() of the text: ASCII lowering, plus the one non-ASCII character whose Python
-- lowercase is ASCII (U+212A KELVIN SIGN -> "k"), so no other text can match an ASCII value.
local function lower(s) return (s:gsub("\226\132\170", "k"):lower()) end

-- list.count(x)
local function count(list, x)
  local n = 0
  for _, v in ipairs(list) do if v == x then n = n + 1 end end
  return n
end

-- sorted(list) of strings (code point order: byte order of UTF-8)
local function sorted(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = v end
  table.sort(out)
  return out
end

local function round2(x)
  if math.type(x) == "integer" then return x end  -- Python's round(int, 2) stays an int
  return T.round(x, 2)
end

-- An address dict in the tools' key order.
local function address(a)
  return T.dict("address1", a.address1, "address2", a.address2, "city", a.city, "state", a.state,
                "country", a.country, "zip", a.zip)
end

-- tool(name, class, params, fn): the scenario tool; `params` the Python parameter names after
-- `data`, in order. Arguments are bound as Python binds keywords: an unknown one is tau's
-- TypeError, "data" clashes with the env's own keyword.
local function tool(name, class, params, fn)
  local known = {}
  for _, p in ipairs(params) do known[p] = true end
  local s = schemas[name]
  M[name] = {
    description = s.description,
    parameters = s.parameters,
    run = function(state, args)
      if args.data ~= nil then
        return "Error: tau_bench.envs.retail.tools." .. name .. "." .. class
               .. ".invoke() got multiple values for keyword argument 'data'"
      end
      local extra
      for k in pairs(args) do
        if not known[k] and (extra == nil or k < extra) then extra = k end
      end
      if extra then
        return "Error: " .. class .. ".invoke() got an unexpected keyword argument '" .. extra .. "'"
      end
      local values = {}
      for i, p in ipairs(params) do values[i] = args[p] end
      return fn(state, table.unpack(values, 1, #params))
    end,
  }
end

tool("calculate", "Calculate", { "expression" }, function(data, expression)
  return calc.calculate(expression)
end)

tool("cancel_pending_order", "CancelPendingOrder", { "order_id", "reason" }, function(data, order_id, reason)
  -- check order exists and is pending
  local orders = data.orders
  if orders[order_id] == nil then return "Error: order not found" end
  local order = orders[order_id]
  if order.status ~= "pending" then return "Error: non-pending order cannot be cancelled" end

  -- check reason
  if reason ~= "no longer needed" and reason ~= "ordered by mistake" then return "Error: invalid reason" end

  -- handle refund
  local refunds = {}
  for _, payment in ipairs(order.payment_history) do
    local payment_id = payment.payment_method_id
    local refund = T.dict("transaction_type", "refund", "amount", payment.amount, "payment_method_id", payment_id)
    refunds[#refunds + 1] = refund
    if payment_id:find("gift_card", 1, true) then  -- refund to gift card immediately
      local payment_method = data.users[order.user_id].payment_methods[payment_id]
      T.set(payment_method, "balance", payment_method.balance + payment.amount)
      T.set(payment_method, "balance", round2(payment_method.balance))
    end
  end

  -- update order status
  T.set(order, "status", "cancelled")
  T.set(order, "cancel_reason", reason)
  for _, r in ipairs(refunds) do table.insert(order.payment_history, r) end

  return T.dumps(order)
end)

-- The checks exchange_delivered_order_items and modify_pending_order_items share, in their
-- order: the items exist in the order, the lists match, each new item is an available variant
-- of the same product. Returns the price difference, or nil and the error.
local function price_difference(products, order, item_ids, new_item_ids)
  local all_item_ids = {}
  for i, item in ipairs(order.items) do all_item_ids[i] = item.item_id end
  for _, item_id in ipairs(item_ids) do
    if count(item_ids, item_id) > count(all_item_ids, item_id) then
      return nil, "Error: " .. T.str(item_id) .. " not found"
    end
  end
  if #item_ids ~= #new_item_ids then return nil, "Error: the number of items to be exchanged should match" end
  local diff_price = 0
  for i, item_id in ipairs(item_ids) do
    local new_item_id = new_item_ids[i]
    local item
    for _, it in ipairs(order.items) do
      if it.item_id == item_id then item = it break end
    end
    local product_id = item.product_id
    local variant = products[product_id].variants[new_item_id]
    if not (variant ~= nil and variant.available) then
      return nil, "Error: new item " .. T.str(new_item_id) .. " not found or available"
    end
    local old_price = item.price
    local new_price = variant.price
    diff_price = diff_price + (new_price - old_price)
  end
  return diff_price
end

tool("exchange_delivered_order_items", "ExchangeDeliveredOrderItems",
     { "order_id", "item_ids", "new_item_ids", "payment_method_id" },
     function(data, order_id, item_ids, new_item_ids, payment_method_id)
  local products, orders, users = data.products, data.orders, data.users

  -- check order exists and is delivered
  if orders[order_id] == nil then return "Error: order not found" end
  local order = orders[order_id]
  if order.status ~= "delivered" then return "Error: non-delivered order cannot be exchanged" end

  -- check the items to be exchanged exist; new items exist, match old items and are available
  local diff_price, err = price_difference(products, order, item_ids, new_item_ids)
  if err then return err end
  diff_price = round2(diff_price)

  -- check payment method exists and can cover the price difference if gift card
  if users[order.user_id].payment_methods[payment_method_id] == nil then return "Error: payment method not found" end
  local payment_method = users[order.user_id].payment_methods[payment_method_id]
  if payment_method.source == "gift_card" and payment_method.balance < diff_price then
    return "Error: insufficient gift card balance to pay for the price difference"
  end

  -- modify the order
  T.set(order, "status", "exchange requested")
  T.set(order, "exchange_items", sorted(item_ids))
  T.set(order, "exchange_new_items", sorted(new_item_ids))
  T.set(order, "exchange_payment_method_id", payment_method_id)
  T.set(order, "exchange_price_difference", diff_price)

  return T.dumps(order)
end)

tool("find_user_id_by_email", "FindUserIdByEmail", { "email" }, function(data, email)
  local want = lower(email)
  for user_id, profile in T.items(data.users) do
    if lower(profile.email) == want then return user_id end
  end
  return "Error: user not found"
end)

tool("find_user_id_by_name_zip", "FindUserIdByNameZip", { "first_name", "last_name", "zip" },
     function(data, first_name, last_name, zip)
  local first, last = lower(first_name), lower(last_name)
  for user_id, profile in T.items(data.users) do
    if lower(profile.name.first_name) == first and lower(profile.name.last_name) == last
       and profile.address.zip == zip then
      return user_id
    end
  end
  return "Error: user not found"
end)

tool("get_order_details", "GetOrderDetails", { "order_id" }, function(data, order_id)
  local orders = data.orders
  if orders[order_id] ~= nil then return T.dumps(orders[order_id]) end
  return "Error: order not found"
end)

tool("get_product_details", "GetProductDetails", { "product_id" }, function(data, product_id)
  local products = data.products
  if products[product_id] ~= nil then return T.dumps(products[product_id]) end
  return "Error: product not found"
end)

tool("get_user_details", "GetUserDetails", { "user_id" }, function(data, user_id)
  local users = data.users
  if users[user_id] ~= nil then return T.dumps(users[user_id]) end
  return "Error: user not found"
end)

tool("list_all_product_types", "ListAllProductTypes", {}, function(data)
  -- {product["name"]: product["product_id"] for product in products.values()}, then sorted
  local by_name = {}
  local names = {}
  for _, product in T.items(data.products) do
    if by_name[product.name] == nil then names[#names + 1] = product.name end
    by_name[product.name] = product.product_id
  end
  table.sort(names)
  local product_dict = T.dict()
  for _, name in ipairs(names) do T.set(product_dict, name, by_name[name]) end
  return T.dumps(product_dict)
end)

tool("modify_pending_order_address", "ModifyPendingOrderAddress",
     { "order_id", "address1", "address2", "city", "state", "country", "zip" },
     function(data, order_id, address1, address2, city, state, country, zip)
  -- Check if the order exists and is pending
  local orders = data.orders
  if orders[order_id] == nil then return "Error: order not found" end
  local order = orders[order_id]
  if order.status ~= "pending" then return "Error: non-pending order cannot be modified" end

  -- Modify the address
  T.set(order, "address", address{ address1 = address1, address2 = address2, city = city, state = state,
                                   country = country, zip = zip })
  return T.dumps(order)
end)

tool("modify_pending_order_items", "ModifyPendingOrderItems",
     { "order_id", "item_ids", "new_item_ids", "payment_method_id" },
     function(data, order_id, item_ids, new_item_ids, payment_method_id)
  local products, orders, users = data.products, data.orders, data.users

  -- Check if the order exists and is pending
  if orders[order_id] == nil then return "Error: order not found" end
  local order = orders[order_id]
  if order.status ~= "pending" then return "Error: non-pending order cannot be modified" end

  -- Check if the items to be modified exist; new items exist, match old items, and are available
  local diff_price, err = price_difference(products, order, item_ids, new_item_ids)
  if err then return err end

  -- Check if the payment method exists
  if users[order.user_id].payment_methods[payment_method_id] == nil then return "Error: payment method not found" end

  -- If the new item is more expensive, check if the gift card has enough balance
  local payment_method = users[order.user_id].payment_methods[payment_method_id]
  if payment_method.source == "gift_card" and payment_method.balance < diff_price then
    return "Error: insufficient gift card balance to pay for the new item"
  end

  -- Handle the payment or refund
  table.insert(order.payment_history, T.dict(
    "transaction_type", diff_price > 0 and "payment" or "refund",
    "amount", math.abs(diff_price),
    "payment_method_id", payment_method_id))
  if payment_method.source == "gift_card" then
    T.set(payment_method, "balance", payment_method.balance - diff_price)
    T.set(payment_method, "balance", round2(payment_method.balance))
  end

  -- Modify the order
  for i, item_id in ipairs(item_ids) do
    local new_item_id = new_item_ids[i]
    local item
    for _, it in ipairs(order.items) do
      if it.item_id == item_id then item = it break end
    end
    T.set(item, "item_id", new_item_id)
    T.set(item, "price", products[item.product_id].variants[new_item_id].price)
    T.set(item, "options", products[item.product_id].variants[new_item_id].options)
  end
  T.set(order, "status", "pending (item modified)")

  return T.dumps(order)
end)

tool("modify_pending_order_payment", "ModifyPendingOrderPayment", { "order_id", "payment_method_id" },
     function(data, order_id, payment_method_id)
  local orders = data.orders

  -- Check if the order exists and is pending
  if orders[order_id] == nil then return "Error: order not found" end
  local order = orders[order_id]
  if order.status ~= "pending" then return "Error: non-pending order cannot be modified" end

  -- Check if the payment method exists
  if data.users[order.user_id].payment_methods[payment_method_id] == nil then return "Error: payment method not found" end

  -- Check that the payment history should only have one payment
  local history = order.payment_history
  if #history > 1 or history[1].transaction_type ~= "payment" then
    return "Error: there should be exactly one payment for a pending order"
  end

  -- Check that the payment method is different
  if history[1].payment_method_id == payment_method_id then
    return "Error: the new payment method should be different from the current one"
  end

  local amount = history[1].amount
  local payment_method = data.users[order.user_id].payment_methods[payment_method_id]

  -- Check if the new payment method has enough balance if it is a gift card
  if payment_method.source == "gift_card" and payment_method.balance < amount then
    return "Error: insufficient gift card balance to pay for the order"
  end

  -- Modify the payment method
  table.insert(history, T.dict("transaction_type", "payment", "amount", amount, "payment_method_id", payment_method_id))
  table.insert(history, T.dict("transaction_type", "refund", "amount", amount,
                               "payment_method_id", history[1].payment_method_id))

  -- If payment is made by gift card, update the balance
  if payment_method.source == "gift_card" then
    T.set(payment_method, "balance", payment_method.balance - amount)
    T.set(payment_method, "balance", round2(payment_method.balance))
  end

  -- If refund is made to a gift card, update the balance
  if history[1].payment_method_id:find("gift_card", 1, true) then
    local old_payment_method = data.users[order.user_id].payment_methods[history[1].payment_method_id]
    T.set(old_payment_method, "balance", old_payment_method.balance + amount)
    T.set(old_payment_method, "balance", round2(old_payment_method.balance))
  end

  return T.dumps(order)
end)

tool("modify_user_address", "ModifyUserAddress",
     { "user_id", "address1", "address2", "city", "state", "country", "zip" },
     function(data, user_id, address1, address2, city, state, country, zip)
  local users = data.users
  if users[user_id] == nil then return "Error: user not found" end
  local user = users[user_id]
  T.set(user, "address", address{ address1 = address1, address2 = address2, city = city, state = state,
                                  country = country, zip = zip })
  return T.dumps(user)
end)

tool("return_delivered_order_items", "ReturnDeliveredOrderItems", { "order_id", "item_ids", "payment_method_id" },
     function(data, order_id, item_ids, payment_method_id)
  local orders = data.orders

  -- Check if the order exists and is delivered
  if orders[order_id] == nil then return "Error: order not found" end
  local order = orders[order_id]
  if order.status ~= "delivered" then return "Error: non-delivered order cannot be returned" end

  -- Check if the payment method exists and is either the original payment method or a gift card
  if data.users[order.user_id].payment_methods[payment_method_id] == nil then return "Error: payment method not found" end
  if not payment_method_id:find("gift_card", 1, true)
     and payment_method_id ~= order.payment_history[1].payment_method_id then
    return "Error: payment method should be either the original payment method or a gift card"
  end

  -- Check if the items to be returned exist (there could be duplicate items in either list)
  local all_item_ids = {}
  for i, item in ipairs(order.items) do all_item_ids[i] = item.item_id end
  for _, item_id in ipairs(item_ids) do
    if count(item_ids, item_id) > count(all_item_ids, item_id) then return "Error: some item not found" end
  end

  -- Update the order status
  T.set(order, "status", "return requested")
  T.set(order, "return_items", sorted(item_ids))
  T.set(order, "return_payment_method_id", payment_method_id)

  return T.dumps(order)
end)

tool("think", "Think", { "thought" }, function(data, thought)
  -- This method does not change the state of the data; it simply returns an empty string.
  return ""
end)

tool("transfer_to_human_agents", "TransferToHumanAgents", { "summary" }, function(data, summary)
  -- This method simulates the transfer to a human agent.
  return "Transfer successful"
end)

return M
