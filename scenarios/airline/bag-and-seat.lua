-- A passenger asks for two things at once: a window seat and a checked bag. The agent must do
-- both, not just the last one mentioned. At the seat's go-ahead they move from 14A to 15A to
-- sit next to their partner; asked how many bags, they insist on two "like I said", though
-- they asked for "a checked bag". Booking QXR924 belongs to another passenger.
-- Late on (turns 18-22) they ask for a special meal, change vegetarian to vegan at the
-- go-ahead and cut in with a question about the price.
-- Confusion: correction (turns 4-8), contradiction (turns 6-12), correction and interruption
-- (turns 18-22). Retention: probe at turn 14, probe of the last name at turn 24.
local air = include("_airline.lua")

-- The other personas ask for one thing at a time: the seat or the bags first, the other next.
local SEAT = { tool = "select_seat", expect = { "15A" }, fix = "No: seat 15A on booking QXR942, please." }
local BAGS = { tool = "add_bags", expect = { "2 bags" }, fix = "No: two checked bags on booking QXR942, please." }

return scenario {
  id = "airline/bag-and-seat",
  personas = { "multi-request", "impatient-escalator", "planner", "returning-user" },
  system = [[
You are a reservations agent for Sparrow Air.

POLICY:
- Verify the passenger with the booking code and the passenger's last name before looking at or changing a booking.
- Quote the bag fee before adding bags, and confirm every change with the passenger before making it.
- A booking can have at most 3 checked bags.

FACTS:
- Each checked bag costs 40 USD per flight when added before check-in.
- A checked bag may weigh up to 23 kg.
- Seat selection is free on this fare.
- Check-in opens 24 hours before departure.
- A selected seat can be changed again for free until check-in opens.
- Special meals are free of charge and must be requested at least 24 hours before departure.
]],
  facts = {
    booking_code = "QXR942",
    last_name = "Haddad",
    story = {
      request = "Hi, two things for my trip: I need to add a checked bag, and I'd like a window seat, 14A if it's free.",
      requests = {
        { tool = "select_seat", expect = { "15A" }, again = "And the window seat, please." },
        { tool = "add_bags", expect = { "2 bags" }, again = "And the other thing: the checked bags, please." },
      },
      id = "QXR942", id_label = "booking code",
      answers = {
        ["booking code"] = "My booking code is QXR942.",
        ["last name"] = "My last name is Haddad.",
        seat = "15A, please.",
        bags = "Two bags.",
      },
      correction = { field = "seat", from = "14A", to = "15A",
                     text = "Oh wait, my partner is in 15B, so 15A instead." },
      contradiction = { key = "bags", field = "bags", earlier = "1", now = "2",
                        text = "Two bags, like I said at the start." },
      fix = "No: seat 15A and two checked bags on booking QXR942.",
      questions = {
        "How many kg can a checked bag weigh?",
        "Can I change the seat again later for free?",
        "When does check-in open?",
      },
      late = {
        request = "Oh, and one more thing for the flight: could you request a vegetarian meal for me?",
        tool = "request_meal",
        answers = { meal = "A vegan meal, please." },
        correction = { field = "meal", from = "vegetarian", to = "vegan",
                       text = "Sorry, not vegetarian, I don't eat dairy either: make it vegan." },
        question = { text = "Sorry, one question first: do special meals cost extra?",
                     expect = { "free of charge", "24 hours" } },
        expect = { "QXR942", "vegan" },
        fix = "No: a vegan meal on booking QXR942, please.",
        recall = { value = "Haddad", text = "Before I go: which last name did I give you at the start?" },
      },
    },
  },
  persona_facts = {
    ["impatient-escalator"] = {
      story = {
        request = "I need to change my seat and add bags to my booking, and I haven't got all day.",
        tool = SEAT.tool, expect = SEAT.expect, fix = SEAT.fix,
        rush = "my booking code is QXR942, my last name is Haddad, and I want seat 15A.",
        fallback = "Ugh. Fine, whatever window seat is free in row 15 then.",
        escalation = { text = "This is ridiculous. Can I just talk to a supervisor?",
                       back = "Forget it, I don't have time for that. Let's just get this done." },
        next = { request = "Now the bags: two checked bags, and quick.",
                 tool = BAGS.tool, expect = BAGS.expect, fix = BAGS.fix },
      },
    },
    planner = {
      story = {
        next = { request = "And could I have seat 15A, next to my partner?",
                 tool = SEAT.tool, expect = SEAT.expect, fix = SEAT.fix },
        plan = {
          opening = { "Hi, I'd like to add checked bags to my booking.",
                      "Hello, I need to add some checked bags to my trip." },
          digression = { text = "Unrelated, but is there a train from Madrid airport into the city?",
                         back = "Sorry, back to my bags.", topic = "airport transport" },
          slot = "bags",
          cost_question = "Before I say how many: what does a checked bag cost?",
          answer = "Two bags, please.",
          pending_question = "By the way, how many kg may a checked bag weigh?",
          expect = BAGS.expect,
          no = BAGS.fix,
          follow_ups = {
            "Is seat selection free on my fare?",
            "Can I change the seat again later for free?",
            "When does check-in open?",
            "Is the bag fee charged per flight?",
          },
        },
      },
    },
    ["returning-user"] = {
      story = {
        request = "Hi, I chatted with you yesterday about a window seat on my Madrid flight. You said you'd sort it out, but nothing has changed on my booking.",
        tool = SEAT.tool, expect = SEAT.expect, fix = SEAT.fix,
        answers = { ["booking code"] = "It's QXR942, same as yesterday." },
        pick = { key = "seat", text = "The window seat you mentioned yesterday, the one next to my partner.",
                 referent = "15A", candidates = { "15A", "15C" } },
        next = { request = "And while you're at it, I need two checked bags on the booking too.",
                 tool = BAGS.tool, expect = BAGS.expect, fix = BAGS.fix },
        back_reference = { text = "And the bag fee you mentioned earlier, was that per bag or for both?",
                           referent = "40 USD", candidates = { "40 USD", "80 USD" } },
      },
    },
  },
  state = {
    bookings = {
      QXR942 = { last_name = "Haddad", flight = "SP 330", route = "JFK-MAD", date = "2026-07-08", seat = "31C", bags = 0 },
      QXR924 = { last_name = "Moreau", flight = "SP 118", route = "BOS-CDG", date = "2026-06-02", seat = "12D", bags = 1 },
    },
    taken = { ["15B"] = true, ["12D"] = true },
  },
  tools = {
    verify_passenger = air.verify_passenger,
    get_booking = air.get_booking(function(b)
      return { flight = b.flight, route = b.route, date = b.date, current_seat = b.seat,
               checked_bags_booked = b.bags, bag_fee = "40 USD per bag" }
    end),
    select_seat = {
      description = "Assign a seat on the booking.",
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
        if state.taken[args.seat] then return { ok = false, error = "seat " .. args.seat .. " is taken" } end
        state.taken[b.seat] = nil
        b.seat = args.seat
        state.taken[args.seat] = true
        return { ok = true, status = "seat assigned" }
      end,
    },
    add_bags = {
      description = "Add checked bags to the booking.",
      parameters = {
        type = "object",
        properties = {
          booking_code = air.CODE,
          bags = { type = "integer", description = "the number of checked bags (1 to 3)", minimum = 1, maximum = 3 },
        },
        required = { "booking_code", "bags" },
      },
      run = function(state, args)
        local b = state.bookings[args.booking_code]
        if not b then return { ok = false, error = "no booking " .. tostring(args.booking_code) } end
        local n = math.tointeger(args.bags)
        if not n or n < 1 or b.bags + n > 3 then return { ok = false, error = "a booking can have 1 to 3 checked bags" } end
        b.bags = b.bags + n
        return { ok = true, checked_bags_now = b.bags, fee_charged = fmt("%d USD", 40 * n) }
      end,
    },
    request_meal = {
      description = "Request a special meal for the passenger.",
      parameters = {
        type = "object",
        properties = {
          booking_code = air.CODE,
          meal = { type = "string", description = "the special meal",
                   enum = { "vegetarian", "vegan", "gluten-free", "kosher", "halal" } },
        },
        required = { "booking_code", "meal" },
      },
      run = function(state, args)
        local b = state.bookings[args.booking_code]
        if not b then return { ok = false, error = "no booking " .. tostring(args.booking_code) } end
        b.meal = args.meal
        return { ok = true, meal_status = "requested" }
      end,
    },
  },
  policies = {
    require_before("select_seat", "verify_passenger"),
    require_before("add_bags", "verify_passenger"),
    require_confirmation("select_seat"),
    require_confirmation("add_bags"),
    max_value("add_bags", "bags", 3),
    require_before("request_meal", "verify_passenger"),
    require_confirmation("request_meal"),
  },
  intents = { seat = "select_seat", bags = "add_bags", meal = "request_meal" },
  fields = { ["booking code"] = { "booking_code" }, seat = { "select_seat.seat" }, bags = { "add_bags.bags" }, meal = { "request_meal.meal" } },
  goal = function(state)
    local b = state.bookings.QXR942
    return b.seat == "15A" and b.bags == 2 and b.meal == "vegan"
      and state.bookings.QXR924.seat == "12D" and state.bookings.QXR924.bags == 1
      and state.bookings.QXR924.meal == nil
  end,
  progress = function(state)
    local b = state.bookings.QXR942
    return ((b.seat == "15A" and 1 or 0) + (b.bags == 2 and 1 or 0) + (b.meal == "vegan" and 1 or 0)) / 3
  end,
  max_turns = 25,
}
