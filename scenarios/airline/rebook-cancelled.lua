-- A passenger whose flight was cancelled comes back after an earlier chat and refers back to
-- things said before: "you said you'd rebook me", "the first one you mentioned", "the other
-- option you mentioned earlier". The agent must resolve "the first one" from its own list of
-- alternatives (or ask), never guess; booking LMT350 belongs to another passenger.
-- Late on (turns 18-22) they pick a seat on the new flight, fix the seat at the go-ahead and
-- cut in with a question about the price.
-- Confusion: ambiguity (turns 4-10), ambiguity (turn 16), correction and interruption (turns
-- 18-22). Retention: probe at turn 12, probe of the last name at turn 24.
local air = include("_airline.lua")

-- The other personas have not chatted before: their answers do not refer back to yesterday.
local fresh = { ["booking code"] = "My booking code is LMT305." }

return scenario {
  id = "airline/rebook-cancelled",
  personas = { "returning-user", "impatient-escalator", "planner", "multi-request" },
  system = [[
You are a reservations agent for Sparrow Air.

POLICY:
- Verify the passenger with the booking code and the passenger's last name before looking at or changing a booking.
- Offer the alternatives on the same route and let the passenger choose; if a choice is unclear, ask which flight they mean.
- Rebook only after the passenger confirms the new flight.
- Assign a seat only after the passenger confirms it.

FACTS:
- Rebooking after a cancellation is free of charge, onto any flight on the same route within 7 days.
- Passengers on a cancelled flight can ask for a full refund instead of rebooking.
- Seats are assigned again on the new flight; a similar seat is chosen when possible.
- A meal voucher of 15 USD is available at the airport for waits over 3 hours.
- A new confirmation email is sent right after rebooking.
- Seat selection is free of charge on a rebooked flight.
]],
  facts = {
    booking_code = "LMT305",
    last_name = "Rossi",
    story = {
      request = "Hi, I was chatting with you yesterday about my flight to Lisbon being cancelled. You said you'd rebook me, but nothing has happened.",
      tool = "rebook_flight",
      id = "LMT305", id_label = "booking code",
      answers = {
        ["booking code"] = "It's LMT305, same as yesterday.",
        ["last name"] = "My last name is Rossi.",
        ["flight number"] = "SP 216, the 18:40 one.",
      },
      pick = { key = "flight", text = "The first one you mentioned.", referent = "SP 216",
               candidates = { "SP 216", "SP 220" } },
      back_reference = { text = "And the other option you mentioned earlier, was that one the late evening flight?",
                         referent = "SP 220" },
      expect = { "LMT305", "SP 216" },
      fix = "No: booking LMT305 onto SP 216, please.",
      questions = {
        "Is rebooking free of charge after a cancellation?",
        "Will I get a new confirmation email?",
        "Do I get a seat assigned again on the new flight?",
      },
      late = {
        request = "One more thing: could you select seat 12C for me on the new flight?",
        tool = "select_seat",
        correction = { field = "seat", from = "12C", to = "21C",
                       text = "Sorry, not 12C, I read it off the wrong screen. Seat 21C." },
        question = { text = "Sorry, one question first: is seat selection free of charge?",
                     expect = { "free of charge" } },
        expect = { "LMT305", "21C" },
        fix = "No: seat 21C on booking LMT305, please.",
        recall = { value = "Rossi", text = "Going back to the very start: which last name did I give you?" },
      },
    },
  },
  persona_facts = {
    -- Both writes in one message: the new flight and a window seat on it; late on they move to
    -- the aisle after all (the late request), so every story ends in seat 21C.
    ["multi-request"] = {
      story = {
        request = "Hi, two things: I'd like an aisle seat on my new flight, but first please rebook me onto SP 220, since my flight to Lisbon was cancelled.",
        answers = fresh,
        requests = {
          { tool = "rebook_flight", expect = { "SP 216" }, again = "Please rebook me onto the new flight first." },
          { tool = "select_seat", expect = { "21A" }, again = "And the seat on the new flight, please." },
        },
        correction = { field = "flight", from = "SP 220", to = "SP 216",
                       text = "Oh wait, SP 220 gets in too late for my train. SP 216 instead." },
        contradiction = { key = "seat", field = "seat", earlier = "aisle", now = "window",
                          text = "A window seat, 21A, like I said at the start." },
        fix = "No: seat 21A, and the new flight is SP 216.",
        questions = {
          "Is rebooking free of charge after a cancellation?",
          "Will I get a new confirmation email?",
          "If I have to wait at the airport for hours, is there a meal voucher?",
        },
        late = {
          request = "One more thing: I've thought about it, could you move me to an aisle seat after all? 12C.",
        },
      },
    },
    planner = {
      story = {
        answers = fresh,
        plan = {
          opening = { "Hi, my flight to Lisbon was cancelled and I need to be rebooked.",
                      "Hello, my flight to Lisbon was cancelled. I'd like to be rebooked." },
          digression = { text = "Unrelated, but is there somewhere at Logan airport to leave my luggage for a few hours?",
                         back = "Sorry, back to my cancelled flight.", topic = "left luggage" },
          slot = "flight",
          cost_question = "Before I pick one: is rebooking free of charge, or do I pay extra for the new flight?",
          answer = "Then SP 216, the 18:40 one, please.",
          pending_question = "If I end up waiting at the airport for hours, is there a meal voucher?",
          expect = { "SP 216" },
          no = "No, I want to be on SP 216, the 18:40 flight.",
          follow_ups = {
            "Will I get a new confirmation email?",
            "Could I have asked for a full refund instead?",
            "Can I be rebooked onto any flight on the same route within 7 days?",
            "Thanks. Is there anything I need to do at the airport?",
          },
        },
      },
    },
    ["impatient-escalator"] = {
      story = {
        request = "My flight to Lisbon was cancelled and I need to be on another one today. Sort it out, quickly.",
        answers = fresh,
        rush = "my booking code is LMT305 and my last name is Rossi. Put me on the 18:40 flight, SP 216.",
        fallback = "Fine. Then SP 216, the 18:40 one, if that's what works.",
        escalation = { text = "This is a joke. Can I have a supervisor call me back?",
                       back = "Forget it, I don't have time to wait for a call. Just rebook me." },
      },
    },
  },
  state = {
    bookings = {
      LMT305 = { last_name = "Rossi", route = "BOS-LIS", flight = "SP 210", date = "2026-05-14", status = "cancelled by airline" },
      LMT350 = { last_name = "Novak", route = "BOS-LIS", flight = "SP 210", date = "2026-05-14", status = "cancelled by airline" },
    },
    alternatives = { ["SP 216"] = "18:40", ["SP 220"] = "21:15" },
  },
  tools = {
    verify_passenger = air.verify_passenger,
    get_booking = air.get_booking(function(b)
      return { route = b.route, booked_flight = b.flight, date = b.date, status = b.status }
    end),
    list_alternatives = {
      description = "List the alternative flights on the booking's route.",
      parameters = { type = "object", properties = { booking_code = air.CODE }, required = { "booking_code" } },
      run = function(state, args)
        if not state.bookings[args.booking_code] then return { ok = false, error = "no booking " .. tostring(args.booking_code) } end
        local lines = {}
        for flight, time in spairs(state.alternatives) do lines[#lines + 1] = flight .. " departing " .. time end
        return { ok = true, options = table.concat(lines, "; ") }
      end,
    },
    rebook_flight = {
      description = "Move a booking onto another flight on the same route.",
      parameters = {
        type = "object",
        properties = {
          booking_code = air.CODE,
          new_flight = { type = "string", description = "the new flight number (like SP 123)", pattern = "^SP [0-9]{3}$" },
        },
        required = { "booking_code", "new_flight" },
      },
      run = function(state, args)
        local b = state.bookings[args.booking_code]
        if not b then return { ok = false, error = "no booking " .. tostring(args.booking_code) } end
        if not state.alternatives[args.new_flight] then return { ok = false, error = "no seats on " .. tostring(args.new_flight) } end
        b.flight, b.status = args.new_flight, "confirmed"
        return { ok = true, status = "confirmed", departs = state.alternatives[args.new_flight] }
      end,
    },
    select_seat = {
      description = "Assign a seat on the booking's flight.",
      parameters = {
        type = "object",
        properties = {
          booking_code = air.CODE,
          seat = { type = "string", description = "the seat (row and letter, like 12C)", pattern = "^[0-9]{1,2}[A-F]$" },
        },
        required = { "booking_code", "seat" },
      },
      run = function(state, args)
        local b = state.bookings[args.booking_code]
        if not b then return { ok = false, error = "no booking " .. tostring(args.booking_code) } end
        if b.status ~= "confirmed" then return { ok = false, error = "the booking is " .. b.status } end
        b.seat = args.seat
        return { ok = true, seat_status = "assigned" }
      end,
    },
  },
  policies = {
    require_before("rebook_flight", "verify_passenger", { severity = "critical" }),
    require_before("rebook_flight", "list_alternatives"),
    require_confirmation("rebook_flight"),
    require_before("select_seat", "verify_passenger"),
    require_confirmation("select_seat"),
  },
  intents = { rebook = "rebook_flight", seat = "select_seat" },
  fields = { ["booking code"] = { "booking_code" }, seat = { "select_seat.seat" }, flight = { "rebook_flight.new_flight" } },
  goal = function(state)
    return state.bookings.LMT305.flight == "SP 216" and state.bookings.LMT305.status == "confirmed"
      and state.bookings.LMT305.seat == "21C" and state.bookings.LMT350.seat == nil
      and state.bookings.LMT350.flight == "SP 210"
  end,
  max_turns = 25,
}
