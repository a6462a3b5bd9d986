-- Northwind, the retail scenarios' shared parameters and tools: what every retail
-- scenario declares alike. A scenario includes it and picks what it needs:
--   local shop = include("_shop.lua")
--   tools = { verify_customer = shop.verify_by_zip,
--             lookup_order = shop.lookup_order(function(o) return { item = o.item } end), ... }
-- The state they read: state.orders[<4-digit id>] = { zip, email, status, ... }.
local shop = {}

shop.ORDER = { type = "string", description = "your order number (4 digits)", pattern = "^[0-9]{4}$" }
shop.ZIP = { type = "string", description = "your billing zip code (5 digits)", pattern = "^[0-9]{5}$" }
shop.EMAIL = { type = "string", description = "the email address on the order",
               pattern = "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$" }

shop.verify_by_zip = {
  description = "Check that the billing zip code matches the order.",
  parameters = {
    type = "object",
    properties = { order_id = shop.ORDER, zip = shop.ZIP },
    required = { "order_id", "zip" },
  },
  run = function(state, args)
    local o = state.orders[args.order_id]
    if o and o.zip == args.zip then return { ok = true } end
    return { ok = false, error = "the zip code does not match that order" }
  end,
}

shop.verify_by_email = {
  description = "Check that the email address matches the order.",
  parameters = {
    type = "object",
    properties = { order_id = shop.ORDER, email = shop.EMAIL },
    required = { "order_id", "email" },
  },
  run = function(state, args)
    local o = state.orders[args.order_id]
    if o and o.email == string.lower(args.email or "") then return { ok = true } end
    return { ok = false, error = "the email does not match that order" }
  end,
}

-- lookup_order(view): the order lookup, showing what `view(order)` returns (with ok = true).
function shop.lookup_order(view)
  return {
    description = "Look up an order.",
    parameters = { type = "object", properties = { order_id = shop.ORDER }, required = { "order_id" } },
    run = function(state, args)
      local o = state.orders[args.order_id]
      if not o then return { ok = false, error = "no order " .. tostring(args.order_id) } end
      local out = view(o)
      out.ok = true
      return out
    end,
  }
end

return shop
