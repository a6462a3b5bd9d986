-- A passenger moves their flight one week later. The agent must verify the passenger (booking
-- code + last name), quote the change fee before asking for a go-ahead, and remember the
-- booking code when asked near the end. Booking QXR428 belongs to another passenger.
-- Late on (turns 18-22) they add their frequent flyer number, fix a misread digit at the
-- go-ahead and cut in with a question about the miles.
-- Confusion: topic_switch (turns 3-4), correction and interruption (turns 18-22).
-- Retention: probe of the booking code at turn 15, of the last name at turn 24.
local air = include("_airline.lua")
return scenario {
  id = "airline/change-flight",
  personas = { "planner", "impatient-escalator", "returning-user", "multi-request" },
  system = [[
You are a reservations agent for Sparrow Air.

POLICY:
- Verify the passenger with the booking code and the passenger's last name before looking at or changing a booking.
- Quote the change fee and any fare difference before asking the passenger to confirm a change.
- Make a change only after the passenger clearly confirms it.
- Change fees cannot be paid with miles.
- Read a frequent flyer number back to the passenger and add it only after a clear yes.

FACTS:
- Standard fares can be changed for a change fee of 75 USD plus any fare difference; flexible fares change for free.
- Seat assignments carry over to the new flight when the same seat is free, otherwise a similar seat is assigned.
- The checked bag allowance stays the same after a flight change.
- A new confirmation email with the updated itinerary is sent right after a change.
- The change fee is not refundable.
- Changes can be made up to 2 hours before departure.
- Miles are credited to the frequent flyer account within 2 weeks after the flight.
]],
  facts = {
    booking_code = "QXR482",
    last_name = "Okafor",
    first_name = "Tomi",
    new_date = "2026-05-21",
    story = {
      -- The planner's lines (personas/planner.lua); the keys after it are the other personas'.
      plan = {
        opening = { "Hi, I need to change my flight.", "Hello, I'd like to move my flight to a later date." },
        digression = { text = "Unrelated, but do you know if there's a metro from Lisbon airport into town?",
                       back = "Sorry, back to moving my flight.", topic = "airport transport" },
        slot = "date",
        cost_question = "What's the change fee on a standard fare?",
        answer = "Please move it to 2026-05-21, one week later.",
        pending_question = "Can I pay the change fee with miles?",
        expect = { "2026-05-21" },
        no = "No, I want it moved to 2026-05-21.",
        follow_ups = {
          "Will my seat assignment carry over to the new flight?",
          "Does the checked bag allowance stay the same?",
          "Will I get a new confirmation email?",
          "Is the change fee refundable if my plans shift again?",
        },
      },
      request = "Hi, I need to move my flight to Lisbon one week later.",
      tool = "change_flight",
      id = "QXR482", id_label = "booking code",
      answers = {
        ["booking code"] = "My booking code is QXR482.",
        ["last name"] = "My last name is Okafor.",
        date = "The new date is 2026-05-21, one week later.",
      },
      expect = { "2026-05-21" },
      fix = "No: booking QXR482 moved to 2026-05-21, please.",
      questions = {
        "Will I get a new confirmation email?",
        "Does my checked bag allowance stay the same?",
        "Will my seat assignment carry over to the new flight?",
      },
      late = {
        request = "Oh, and could you add my frequent flyer number to the booking? It's SP4482113.",
        tool = "add_frequent_flyer_number",
        correction = { field = "frequent flyer number", from = "SP4482113", to = "SP4482131",
                       text = "Hold on, I misread my card. It's SP4482131." },
        question = { text = "Sorry, one question first: when do the miles show up in my account?",
                     expect = { "2 weeks" } },
        expect = { "QXR482", "SP4482131" },
        fix = "No, please add frequent flyer number SP4482131 to booking QXR482.",
        recall = { value = "Okafor", text = "Before I forget: which last name did I give you earlier?" },
      },
    },
  },
  persona_facts = {
    -- The move and the frequent flyer number in one message; late on the number changes (the
    -- late request), so every story ends with the new number on the booking.
    ["multi-request"] = {
      story = {
        request = "Hi, two things: I'd like to move my flight to the 28th, and please add my frequent flyer number to the booking, SP7719023.",
        requests = {
          { tool = "change_flight", expect = { "2026-05-21" }, again = "And please move my flight." },
          { tool = "add_frequent_flyer_number", expect = { "SP7719032" }, again = "And my frequent flyer number, please." },
        },
        correction = { field = "frequent flyer number", from = "SP7719023", to = "SP7719032",
                       text = "Oh wait, I swapped two digits: SP7719032." },
        contradiction = { key = "date", field = "date", earlier = "2026-05-28", now = "2026-05-21",
                          text = "2026-05-21, one week later, like I said at the start." },
        fix = "No: booking QXR482 moved to 2026-05-21, and frequent flyer number SP7719032.",
        late = {
          request = "Oh, and I just remembered: my frequent flyer number changed when my status was upgraded. Could you put the new one on? It's SP4482113.",
        },
      },
    },
    ["impatient-escalator"] = {
      story = {
        request = "I need my flight moved to a week later, and fast. I've got a meeting in ten minutes.",
        rush = "my booking code is QXR482, my last name is Okafor and the new date is 2026-05-21.",
        fallback = "Fine. Then just move it to 2026-05-21, whatever it takes.",
        escalation = { text = "This is taking too long. Can I just talk to a supervisor?",
                       back = "Forget it, I don't have time for that. Let's just get this done." },
      },
    },
    ["returning-user"] = {
      story = {
        request = "Hi, I talked to you last week about moving my flight to Lisbon a week later. You said you'd sort it out, but my booking still shows the old date.",
        answers = { ["booking code"] = "It's QXR482, same as last time." },
        pick = { key = "date", text = "The date we settled on last time, one week after my current flight.",
                 referent = "2026-05-21", candidates = { "2026-05-21", "2026-05-28" } },
        back_reference = { text = "And the fee you quoted earlier, was that the whole cost of the move?",
                           referent = "75 USD", candidates = { "75 USD", "0 USD" } },
      },
    },
  },
  state = {
    bookings = {
      QXR482 = { last_name = "Okafor", passenger = "Tomi Okafor", flight = "SP 210",
                 date = "2026-05-14", route = "BOS-LIS", fare = "standard", status = "confirmed" },
      QXR428 = { last_name = "Lindqvist", passenger = "Maja Lindqvist", flight = "SP 118",
                 date = "2026-06-02", route = "BOS-CDG", fare = "flexible", status = "confirmed" },
    },
    flights = { ["2026-05-21"] = "SP 214", ["2026-05-28"] = "SP 218" },
  },
  tools = {
    verify_passenger = air.verify_passenger,
    get_booking = air.get_booking(function(b)
      return { passenger = b.passenger, flight = b.flight, date = b.date, route = b.route, fare = b.fare,
               status = b.status }
    end),
    check_change_fee = {
      description = "Quote the fee and fare difference for moving a booking to another date.",
      parameters = {
        type = "object",
        properties = {
          booking_code = air.CODE,
          new_date = { type = "string", description = "the new travel date (YYYY-MM-DD)",
                       pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
        },
        required = { "booking_code", "new_date" },
      },
      run = function(state, args)
        local b = state.bookings[args.booking_code]
        if not b then return { ok = false, error = "no booking " .. tostring(args.booking_code) } end
        local flight = state.flights[args.new_date]
        if not flight then return { ok = false, error = "no flight on " .. tostring(args.new_date) } end
        return { ok = true, new_flight = flight, change_fee = b.fare == "standard" and "75 USD" or "0 USD",
                 fare_difference = "0 USD" }
      end,
    },
    change_flight = {
      description = "Move a booking to the flight on another date.",
      parameters = {
        type = "object",
        properties = {
          booking_code = air.CODE,
          new_date = { type = "string", description = "the new travel date (YYYY-MM-DD)",
                       pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
        },
        required = { "booking_code", "new_date" },
      },
      run = function(state, args)
        local b = state.bookings[args.booking_code]
        if not b then return { ok = false, error = "no booking " .. tostring(args.booking_code) } end
        local flight = state.flights[args.new_date]
        if not flight then return { ok = false, error = "no flight on " .. tostring(args.new_date) } end
        b.flight, b.date = flight, args.new_date
        return { ok = true, flight = flight, date = args.new_date, status = "confirmed",
                 change_fee_charged = b.fare == "standard" and "75 USD" or "0 USD" }
      end,
    },
    add_frequent_flyer_number = {
      description = "Add the passenger's frequent flyer number to a booking.",
      parameters = {
        type = "object",
        properties = {
          booking_code = air.CODE,
          ff_number = { type = "string", description = "your frequent flyer number (SP and 7 digits)",
                        pattern = "^SP[0-9]{7}$" },
        },
        required = { "booking_code", "ff_number" },
      },
      run = function(state, args)
        local b = state.bookings[args.booking_code]
        if not b then return { ok = false, error = "no booking " .. tostring(args.booking_code) } end
        b.ff_number = args.ff_number
        return { ok = true, miles = "credited after the flight" }
      end,
    },
  },
  policies = {
    require_before("get_booking", "verify_passenger"),
    require_before("change_flight", "verify_passenger", { severity = "critical" }),
    require_before("change_flight", "check_change_fee"),
    require_confirmation("change_flight"),
    forbid_text("[Pp]ay[^.]*with miles%?", "change fees cannot be paid with miles", { severity = "minor" }),
    require_before("add_frequent_flyer_number", "verify_passenger"),
    require_confirmation("add_frequent_flyer_number"),
  },
  intents = { change = "change_flight", frequent_flyer = "add_frequent_flyer_number" },
  fields = { ["frequent flyer number"] = { "add_frequent_flyer_number.ff_number" }, date = { "change_flight.new_date" } },
  goal = function(state)
    local b = state.bookings.QXR482
    return b.date == "2026-05-21" and b.flight == "SP 214" and b.ff_number == "SP4482131"
      and state.bookings.QXR428.date == "2026-06-02" and state.bookings.QXR428.ff_number == nil
  end,
  max_turns = 25,
}
