-- Harbor Bank, the banking scenarios' shared parameters and identity check: what every banking
-- scenario declares alike. A scenario includes it:
--   local bank = include("_bank.lua")
--   tools = { verify_identity = bank.verify_identity, ... }
-- The state it reads: state.customers[<8-digit number>] = { date_of_birth, ... }.
local bank = {}

bank.CUSTOMER = { type = "string", description = "your customer number (8 digits)", pattern = "^[0-9]{8}$" }
bank.BIRTH = { type = "string", description = "your date of birth (YYYY-MM-DD)", pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }
-- The parameters of a tool that takes the customer number alone.
bank.BY_CUSTOMER = { type = "object", properties = { customer_number = bank.CUSTOMER }, required = { "customer_number" } }

bank.verify_identity = {
  description = "Verify the customer from their customer number and date of birth.",
  parameters = {
    type = "object",
    properties = { customer_number = bank.CUSTOMER, date_of_birth = bank.BIRTH },
    required = { "customer_number", "date_of_birth" },
  },
  run = function(state, args)
    local c = state.customers[args.customer_number]
    if c and c.date_of_birth == args.date_of_birth then return { ok = true } end
    return { ok = false, error = "customer number and date of birth do not match" }
  end,
}

return bank
