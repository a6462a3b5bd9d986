-- Derived from tau-bench (github.com/sierra-research/tau-bench, 59a200c), MIT licence,
-- Copyright (c) 2024 Sierra Research. See NOTICE.
--
-- tau-bench airline's 14 tools (tau_bench/envs/airline/tools/*.py), ported line by line over
-- the database as _tau.lua holds it (dicts keep their key order in `_keys`). Each answers
-- what tau's Env.step hands the agent: the tool's string, or f"Error: {e}" when the tool (or
-- Python binding its keyword arguments) raises. Names, descriptions and parameter schemas are
-- tau's get_info(), generated into _tools_info.lua by tools/tau-import/tau_bench_airline.py.
local T = include("_tau.lua")
local P = include("_py.lua")
local calc = include("_calculate.lua")
local INFO = include("_tools_info.lua")
local DB = include("_db.lua")  -- include() hands every includer of it the same table

local M = {}

-- The scenario's state: the reservations and users tables of the database. The flights table
-- (more than half of its 35 000 dicts) is read by every tool that needs it and written by none
-- (tau: "do not make flight database update here"), so it stays out of the state spar copies for
-- each conversation and T.reward compares at its end; the tools read it from DB, untouched.
M.initial = T.dict("reservations", DB.reservations, "users", DB.users)

-- What tau's tools get as `data`: the conversation's tables, and the one flights table.
local function data_of(state)
  return { reservations = state.reservations, users = state.users, flights = DB.flights }
end

-- --------------------------------------------------------------------------------------------
-- The tools, as their invoke(data, ...) bodies read.

local function book_reservation(data, user_id, origin, destination, flight_type, cabin, flights, passengers,
                                payment_methods, total_baggages, nonfree_baggages, insurance)
  local reservations, users = data.reservations, data.users
  if not P.has(users, user_id) then return "Error: user not found" end
  local user = users[user_id]

  -- assume each task makes at most 3 reservations
  local reservation_id = "HATHAT"
  if P.has(reservations, reservation_id) then
    reservation_id = "HATHAU"
    if P.has(reservations, reservation_id) then reservation_id = "HATHAV" end
  end

  local reservation = T.dict(
    "reservation_id", reservation_id,
    "user_id", user_id,
    "origin", origin,
    "destination", destination,
    "flight_type", flight_type,
    "cabin", cabin,
    "flights", T.copy(flights),
    "passengers", passengers,
    "payment_history", payment_methods,
    "created_at", "2024-05-15T15:00:00",
    "total_baggages", total_baggages,
    "nonfree_baggages", nonfree_baggages,
    "insurance", insurance)

  -- update flights and calculate price
  local total_price = 0
  for _, flight in ipairs(reservation.flights) do
    local flight_number = P.get(flight, "flight_number")
    if not P.has(data.flights, flight_number) then return "Error: flight " .. T.str(flight_number) .. " not found" end
    local flight_data = data.flights[flight_number]
    if not P.has(flight_data.dates, P.get(flight, "date")) then
      return "Error: flight " .. T.str(flight_number) .. " not found on date " .. T.str(P.get(flight, "date"))
    end
    local flight_date_data = flight_data.dates[flight.date]
    if flight_date_data.status ~= "available" then
      return "Error: flight " .. T.str(flight_number) .. " not available on date " .. T.str(flight.date)
    end
    if P.lt(P.get(flight_date_data.available_seats, cabin), T.len(passengers)) then
      return "Error: not enough seats on flight " .. T.str(flight_number)
    end
    T.set(flight, "price", P.get(flight_date_data.prices, cabin))
    T.set(flight, "origin", flight_data.origin)
    T.set(flight, "destination", flight_data.destination)
    total_price = P.add(total_price, P.mul(flight.price, T.len(passengers)))
  end

  if insurance == "yes" then total_price = P.add(total_price, 30 * T.len(passengers)) end

  total_price = P.add(total_price, P.mul(50, nonfree_baggages))

  for _, payment_method in ipairs(payment_methods) do
    local payment_id = P.get(payment_method, "payment_id")
    local amount = P.get(payment_method, "amount")
    if not P.has(user.payment_methods, payment_id) then
      return "Error: payment method " .. T.str(payment_id) .. " not found"
    end
    local source = user.payment_methods[payment_id].source
    if source == "gift_card" or source == "certificate" then
      if P.lt(user.payment_methods[payment_id].amount, amount) then
        return "Error: not enough balance in payment method " .. T.str(payment_id)
      end
    end
  end
  local function paid()
    local amounts = {}
    for i, payment in ipairs(payment_methods) do amounts[i] = P.get(payment, "amount") end
    return P.sum(amounts)
  end
  if paid() ~= total_price then
    return "Error: payment amount does not add up, total price is " .. T.str(total_price) .. ", but paid " ..
        T.str(paid())
  end

  -- if checks pass, deduct payment and update seats
  for _, payment_method in ipairs(payment_methods) do
    local payment_id = P.get(payment_method, "payment_id")
    local amount = P.get(payment_method, "amount")
    local method = P.get(user.payment_methods, payment_id)  -- a certificate named twice is gone by now
    if method.source == "gift_card" then
      method.amount = P.sub(method.amount, amount)
    elseif method.source == "certificate" then
      T.del(user.payment_methods, payment_id)
    end
  end

  T.set(reservations, reservation_id, reservation)
  table.insert(user.reservations, reservation_id)
  return T.dumps(reservation)
end

local function calculate(_, expression)
  return calc.calculate(expression)  -- the same tool as retail's (tools/calculate.py), one port
end

local function cancel_reservation(data, reservation_id)
  local reservations = data.reservations
  if not P.has(reservations, reservation_id) then return "Error: reservation not found" end
  local reservation = reservations[reservation_id]

  -- reverse the payment
  local refunds = {}
  for _, payment in ipairs(reservation.payment_history) do
    refunds[#refunds + 1] = T.dict("payment_id", P.get(payment, "payment_id"), "amount", P.neg(P.get(payment, "amount")))
  end
  for _, refund in ipairs(refunds) do table.insert(reservation.payment_history, refund) end
  T.set(reservation, "status", "cancelled")
  return T.dumps(reservation)
end

local function get_reservation_details(data, reservation_id)
  local reservations = data.reservations
  if P.has(reservations, reservation_id) then return T.dumps(reservations[reservation_id]) end
  return "Error: user not found"
end

local function get_user_details(data, user_id)
  local users = data.users
  if P.has(users, user_id) then return T.dumps(users[user_id]) end
  return "Error: user not found"
end

local AIRPORTS = {
  "SFO", "JFK", "LAX", "ORD", "DFW", "DEN", "SEA", "ATL", "MIA", "BOS",
  "PHX", "IAH", "LAS", "MCO", "EWR", "CLT", "MSP", "DTW", "PHL", "LGA",
}
local CITIES = {
  "San Francisco", "New York", "Los Angeles", "Chicago", "Dallas", "Denver", "Seattle", "Atlanta", "Miami", "Boston",
  "Phoenix", "Houston", "Las Vegas", "Orlando", "Newark", "Charlotte", "Minneapolis", "Detroit", "Philadelphia",
  "LaGuardia",
}

local function list_all_airports(_)
  local out = T.dict()
  for i, airport in ipairs(AIRPORTS) do T.set(out, airport, CITIES[i]) end
  return T.dumps(out)
end

-- {k: v for k, v in flight.items() if k != "dates"} updated with one date's entry.
local function flight_on(flight, date_data)
  local result = T.dict()
  for k, v in T.items(flight) do
    if k ~= "dates" then T.set(result, k, v) end
  end
  for k, v in T.items(date_data) do T.set(result, k, v) end
  return result
end

local function search_direct_flight(data, origin, destination, date)
  local flights = data.flights
  local results = {}
  for _, flight in T.items(flights) do
    if flight.origin == origin and flight.destination == destination then
      if P.has(flight.dates, date) and flight.dates[date].status == "available" then
        -- results add flight except dates, but add flight["datas"][date]
        results[#results + 1] = flight_on(flight, flight.dates[date])
      end
    end
  end
  return T.dumps(results)
end

-- int(s) of a short text: surrounding whitespace, a sign, digits.
local function py_int(s)
  local digits = s:match("^[ \t\n\r\f\v]*([+-]?%d+)[ \t\n\r\f\v]*$")
  if not digits then P.raise("invalid literal for int() with base 10: " .. T.repr(s)) end
  return math.tointeger(tonumber(digits))
end

local function search_onestop_flight(data, origin, destination, date)
  local flights = data.flights
  local results = {}
  for _, flight1 in T.items(flights) do
    if flight1.origin == origin then
      for _, flight2 in T.items(flights) do
        if flight2.destination == destination and flight1.destination == flight2.origin then
          local date2 = date
          if P.has(flight1.scheduled_arrival_time_est, "+1") then
            date2 = "2024-05-" .. T.str(py_int(date:sub(-2)) + 1)
          end
          if flight1.scheduled_arrival_time_est > flight2.scheduled_departure_time_est then goto continue end
          if P.has(flight1.dates, date) and P.has(flight2.dates, date2) then
            if flight1.dates[date].status == "available" and flight2.dates[date2].status == "available" then
              local result1 = flight_on(flight1, flight1.dates[date])
              T.set(result1, "date", date)
              -- tau updates the second leg with its entry on `date`, not `date2`
              local result2 = flight_on(flight2, P.get(flight2.dates, date))
              T.set(result2, "date", date2)
              results[#results + 1] = { result1, result2 }
            end
          end
        end
        ::continue::
      end
    end
  end
  return T.dumps(results)
end

local function send_certificate(data, user_id, amount)
  local users = data.users
  if not P.has(users, user_id) then return "Error: user not found" end
  local user = users[user_id]

  -- add a certificate, assume at most 3 cases per task
  for _, id in ipairs({ 3221322, 3221323, 3221324 }) do
    local payment_id = "certificate_" .. id
    if not P.has(user.payment_methods, payment_id) then
      T.set(user.payment_methods, payment_id, T.dict("source", "certificate", "amount", amount, "id", payment_id))
      return "Certificate " .. payment_id .. " added to user " .. user_id .. " with amount " .. T.str(amount) .. "."
    end
  end
  -- tau's invoke falls off its end here (None): the agent gets an empty tool message
  return ""
end

local function think(_, _)
  return ""
end

local function transfer_to_human_agents(_, _)
  return "Transfer successful"
end

local function update_reservation_baggages(data, reservation_id, total_baggages, nonfree_baggages, payment_id)
  local users, reservations = data.users, data.reservations
  if not P.has(reservations, reservation_id) then return "Error: reservation not found" end
  local reservation = reservations[reservation_id]

  local total_price = 50 * math.max(0, nonfree_baggages - reservation.nonfree_baggages)
  local methods = users[reservation.user_id].payment_methods
  if not P.has(methods, payment_id) then return "Error: payment method not found" end
  local payment_method = methods[payment_id]
  if payment_method.source == "certificate" then
    return "Error: certificate cannot be used to update reservation"
  elseif payment_method.source == "gift_card" and payment_method.amount < total_price then
    return "Error: gift card balance is not enough"
  end

  T.set(reservation, "total_baggages", total_baggages)
  T.set(reservation, "nonfree_baggages", nonfree_baggages)
  if payment_method.source == "gift_card" then payment_method.amount = payment_method.amount - total_price end

  if total_price ~= 0 then
    table.insert(reservation.payment_history, T.dict("payment_id", payment_id, "amount", total_price))
  end

  return T.dumps(reservation)
end

local function update_reservation_flights(data, reservation_id, cabin, flights, payment_id)
  local users, reservations = data.users, data.reservations
  if not P.has(reservations, reservation_id) then return "Error: reservation not found" end
  local reservation = reservations[reservation_id]

  -- update flights and calculate price
  local total_price = 0
  flights = T.copy(flights)
  local passengers = T.len(reservation.passengers)
  for _, flight in ipairs(flights) do
    -- if existing flight, ignore
    local same = {}
    for _, f in ipairs(reservation.flights) do
      if P.get(f, "flight_number") == P.get(flight, "flight_number") and P.get(f, "date") == P.get(flight, "date")
          and cabin == reservation.cabin then
        same[#same + 1] = f
      end
    end
    if #same > 0 then
      total_price = P.add(total_price, P.mul(same[1].price, passengers))
      T.set(flight, "price", same[1].price)
      T.set(flight, "origin", same[1].origin)
      T.set(flight, "destination", same[1].destination)
    else
      local flight_number = P.get(flight, "flight_number")
      if not P.has(data.flights, flight_number) then return "Error: flight " .. T.str(flight_number) .. " not found" end
      local flight_data = data.flights[flight_number]
      if not P.has(flight_data.dates, P.get(flight, "date")) then
        return "Error: flight " .. T.str(flight_number) .. " not found on date " .. T.str(P.get(flight, "date"))
      end
      local flight_date_data = flight_data.dates[flight.date]
      if flight_date_data.status ~= "available" then
        return "Error: flight " .. T.str(flight_number) .. " not available on date " .. T.str(flight.date)
      end
      if P.lt(P.get(flight_date_data.available_seats, cabin), passengers) then
        return "Error: not enough seats on flight " .. T.str(flight_number)
      end
      T.set(flight, "price", P.get(flight_date_data.prices, cabin))
      T.set(flight, "origin", flight_data.origin)
      T.set(flight, "destination", flight_data.destination)
      total_price = P.add(total_price, P.mul(flight.price, passengers))
    end
  end

  local old = {}
  for i, flight in ipairs(reservation.flights) do old[i] = P.get(flight, "price") end
  total_price = P.sub(total_price, P.mul(P.sum(old), passengers))

  -- check payment
  local methods = users[reservation.user_id].payment_methods
  if not P.has(methods, payment_id) then return "Error: payment method not found" end
  local payment_method = methods[payment_id]
  if payment_method.source == "certificate" then
    return "Error: certificate cannot be used to update reservation"
  elseif payment_method.source == "gift_card" and P.lt(payment_method.amount, total_price) then
    return "Error: gift card balance is not enough"
  end

  -- if checks pass, deduct payment and update seats
  if payment_method.source == "gift_card" then payment_method.amount = P.sub(payment_method.amount, total_price) end
  T.set(reservation, "flights", flights)
  if total_price ~= 0 then
    table.insert(reservation.payment_history, T.dict("payment_id", payment_id, "amount", total_price))
  end
  -- do not make flight database update here, assume it takes time to be updated
  return T.dumps(reservation)
end

local function update_reservation_passengers(data, reservation_id, passengers)
  local reservations = data.reservations
  if not P.has(reservations, reservation_id) then return "Error: reservation not found" end
  local reservation = reservations[reservation_id]
  if T.len(passengers) ~= T.len(reservation.passengers) then return "Error: number of passengers does not match" end
  T.set(reservation, "passengers", passengers)
  return T.dumps(reservation)
end

-- --------------------------------------------------------------------------------------------
-- Binding: Env.step calls Tool.invoke(data=self.data, **kwargs) with the agent's arguments.

-- name = { class, module, invoke, parameter names in invoke's order }
local TOOLS = {
  book_reservation = { "BookReservation", "book_reservation", book_reservation,
    { "user_id", "origin", "destination", "flight_type", "cabin", "flights", "passengers", "payment_methods",
      "total_baggages", "nonfree_baggages", "insurance" } },
  calculate = { "Calculate", "calculate", calculate, { "expression" } },
  cancel_reservation = { "CancelReservation", "cancel_reservation", cancel_reservation, { "reservation_id" } },
  get_reservation_details = { "GetReservationDetails", "get_reservation_details", get_reservation_details,
    { "reservation_id" } },
  get_user_details = { "GetUserDetails", "get_user_details", get_user_details, { "user_id" } },
  list_all_airports = { "ListAllAirports", "list_all_airports", list_all_airports, {} },
  search_direct_flight = { "SearchDirectFlight", "search_direct_flight", search_direct_flight,
    { "origin", "destination", "date" } },
  search_onestop_flight = { "SearchOnestopFlight", "search_onestop_flight", search_onestop_flight,
    { "origin", "destination", "date" } },
  send_certificate = { "SendCertificate", "send_certificate", send_certificate, { "user_id", "amount" } },
  think = { "Think", "think", think, { "thought" } },
  transfer_to_human_agents = { "TransferToHumanAgents", "transfer_to_human_agents", transfer_to_human_agents,
    { "summary" } },
  update_reservation_baggages = { "UpdateReservationBaggages", "update_reservation_baggages",
    update_reservation_baggages, { "reservation_id", "total_baggages", "nonfree_baggages", "payment_id" } },
  update_reservation_flights = { "UpdateReservationFlights", "update_reservation_flights", update_reservation_flights,
    { "reservation_id", "cabin", "flights", "payment_id" } },
  update_reservation_passengers = { "UpdateReservationPassengers", "update_reservation_passengers",
    update_reservation_passengers, { "reservation_id", "passengers" } },
}

local function quoted(names)
  local q = {}
  for i, n in ipairs(names) do q[i] = "'" .. n .. "'" end
  if #q == 1 then return q[1] end
  if #q == 2 then return q[1] .. " and " .. q[2] end
  return table.concat(q, ", ", 1, #q - 1) .. ", and " .. q[#q]
end

-- The values of invoke's parameters from the keyword arguments, or the TypeError Python raises.
local function bind(class, module, params, kwargs)
  if P.has(kwargs, "data") then
    P.raise("tau_bench.envs.airline.tools." .. module .. "." .. class ..
      ".invoke() got multiple values for keyword argument 'data'")
  end
  local wanted = {}
  for _, p in ipairs(params) do wanted[p] = true end
  for _, k in ipairs(T.keys(kwargs)) do
    if not wanted[k] then P.raise(class .. ".invoke() got an unexpected keyword argument '" .. k .. "'") end
  end
  local values, missing = {}, {}
  for i, p in ipairs(params) do
    if P.has(kwargs, p) then values[i] = kwargs[p] else missing[#missing + 1] = p end
  end
  if #missing > 0 then
    P.raise(string.format("%s.invoke() missing %d required positional argument%s: %s", class, #missing,
      #missing == 1 and "" or "s", quoted(missing)))
  end
  return values
end

-- The spar tool: the engine gives run(state, args, text) the arguments' JSON text too, which
-- P.loads reads with its key order (tau's tools store and echo what the agent passed).
local function spar_tool(name)
  local class, module, invoke, params = table.unpack(TOOLS[name])
  return {
    description = INFO[name].description,
    parameters = INFO[name].parameters,
    run = function(state, _, text)
      return P.call(function()
        local values = bind(class, module, params, P.loads(text))
        return invoke(data_of(state), table.unpack(values, 1, #params))
      end)
    end,
  }
end

M.tools = {}
for name in pairs(TOOLS) do M.tools[name] = spar_tool(name) end

-- For tests: the invoke bodies by name, and the binding.
M.invoke = function(state, name, text)
  return M.tools[name].run(state, nil, text)
end

return M
