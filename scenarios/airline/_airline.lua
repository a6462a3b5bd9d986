-- Sparrow Air, the airline scenarios' shared parameters and tools: what every airline scenario
-- declares alike. A scenario includes it and picks what it needs:
--   local air = include("_airline.lua")
--   tools = { verify_passenger = air.verify_passenger,
--             get_booking = air.get_booking(function(b) return { flight = b.flight } end), ... }
-- The state they read: state.bookings[<booking code>] = { last_name, flight, ... }.
local air = {}

air.CODE = { type = "string", description = "your booking code (3 letters and 3 digits)", pattern = "^[A-Z]{3}[0-9]{3}$" }

air.verify_passenger = {
  description = "Verify the passenger from the booking code and last name.",
  parameters = {
    type = "object",
    properties = { booking_code = air.CODE, last_name = { type = "string", description = "the passenger's last name" } },
    required = { "booking_code", "last_name" },
  },
  run = function(state, args)
    local b = state.bookings[args.booking_code]
    if b and string.lower(b.last_name) == string.lower(args.last_name or "") then return { ok = true } end
    return { ok = false, error = "booking code and last name do not match" }
  end,
}

-- get_booking(view): the booking lookup, showing what `view(booking)` returns (with ok = true).
function air.get_booking(view)
  return {
    description = "Look up a booking.",
    parameters = { type = "object", properties = { booking_code = air.CODE }, required = { "booking_code" } },
    run = function(state, args)
      local b = state.bookings[args.booking_code]
      if not b then return { ok = false, error = "no booking " .. tostring(args.booking_code) } end
      local out = view(b)
      out.ok = true
      return out
    end,
  }
end

return air
