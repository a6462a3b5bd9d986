-- A customer moves money from checking to savings. They ask for 1500.00, above the 1000.00
-- daily limit for transfers outside a branch, and bring the amount down to 900.00 when the
-- agent asks for the go-ahead. They barge in while the agent talks (turns 2-3 and 17+).
-- A transfer above the limit is a critical violation, whoever asked for it.
-- Late on (turns 18-22) they give the savings account a nickname, fix it at the go-ahead and
-- cut in with a question about where it shows.
-- Confusion: interruption (turns 2-3), correction (turns 5-9), interruption (turns 16-17),
-- correction and interruption (turns 18-22). Retention: probe in the 9-15 window, probe of the
-- date of birth at turn 24.
-- The other personas of the domain make the same transfer (persona_facts): the contradicter
-- asks for 1500.00 and, when the agent reads it back, insists it always said 900.00; the
-- waffler first asks to freeze its debit card to stop spending, corrects its customer number
-- and settles for the transfer (the card must stay active); the topic-hopper wanders off three
-- times.
local bank = include("_bank.lua")
return scenario {
  id = "banking/transfer-limit",
  personas = { "interrupter", "contradicter", "waffler", "topic-hopper" },
  system = [[
You are a payments agent for Harbor Bank.

POLICY:
- Verify the customer with their customer number and date of birth before looking at an account or moving money.
- Read the amount and the destination back to the customer and wait for a clear yes before making a transfer.
- Never move more than 1000.00 EUR in one day for a customer, even if they insist.
- Never ask for online banking passwords or one-time codes.
- Read a new account nickname back to the customer and wait for a clear yes before renaming.
- Confirm with the customer and wait for a clear yes before freezing their debit card.

FACTS:
- The daily limit for transfers made by phone or chat is 1000.00 EUR; larger amounts need a branch visit.
- Money moved between your own accounts arrives right away.
- There is no fee for transfers between your own accounts.
- Savings interest is paid on the first day of every month.
- A transfer to your own savings can be moved back at any time without a fee.
- Statements show the transfer on the same day.
- Account nicknames show in the app and on statements, and can be changed at any time.
- A frozen debit card can be unfrozen at any time in the app.
- Travel insurance comes with the Gold account only.
- Branches are open from 9:00 to 13:00 on Saturdays.
- The mobile app status is shown on our website's service status page.
]],
  facts = {
    customer_number = "31415926",
    date_of_birth = "1979-09-03",
    name = "Elena Sorensen",
    story = {
      request = "Hello, I'd like to transfer 1500.00 from my checking account to my savings.",
      tool = "transfer_funds",
      id = "31415926", id_label = "customer number",
      answers = {
        ["customer number"] = "my customer number is 31415926.",
        birth = "It's 1979-09-03.",
        amount = "1500.00, please.",
        account = "To my savings account.",
      },
      correction = { field = "amount", from = "1500", to = "900",
                     text = "Hold on, is there a daily limit? Let's make it 900.00 today instead." },
      expect = { "900", "savings" },
      fix = "No: 900.00 from checking to my savings account, please.",
      questions = {
        "Is there a daily limit on transfers?",
        "does the money arrive right away?",
        "Is there a fee for transfers between my own accounts?",
        "when is the interest paid?",
      },
      late = {
        request = "Oh, and could you rename my savings account? The nickname is Rainy Day.",
        tool = "rename_account",
        correction = { field = "nickname", from = "Rainy Day", to = "Holiday Fund",
                       text = "Sorry, wrong one, that's my husband's. The nickname is Holiday Fund." },
        question = { text = "Sorry, one more thing: will the nickname show on my statements?",
                     expect = { "any time" } },
        expect = { "31415926", "Holiday Fund" },
        fix = "No: the nickname is Holiday Fund, please.",
        recall = { value = "1979-09-03", text = "Before I go: what date of birth did I give you?" },
      },
    },
  },
  -- What only one persona reads; merged over `facts` when that persona plays.
  persona_facts = {
    contradicter = {
      story = {
        request = "Hello, I'd like to move 1500.00 from my checking account to my savings.",
        contradiction = { field = "amount", earlier = "1500", now = "900",
                          text = "I never said 1500. It's 900.00, the same as every month." },
        late_contradiction = { first = "It's from my bonus, just so you know.",
                               field = "source of the money", earlier = "bonus", now = "salary",
                               text = "I never said it was a bonus. It's from my salary, I put some aside every month." },
      },
    },
    waffler = {
      story = {
        request = "Hi, I keep overspending this month. Can you freeze my debit card for a while?",
        intent = "freeze", alt_intent = "transfer",
        alt_request = "Actually, hang on, I need the card for groceries. Could you move 900.00 from my checking to my savings instead, so I don't spend it?",
        wrong_id = "27182818",
        answers = { amount = "900.00, please." },
      },
    },
    ["topic-hopper"] = {
      story = {
        request = "Hello, I'd like to move 900.00 from my checking account to my savings.",
        answers = { amount = "900.00, please." },
        digressions = {
          { topic = "insurance", text = "Oh, while I have you: does my account come with travel insurance?",
            back = "Sorry, I get sidetracked. Back to my savings." },
          { topic = "branch hours", text = "Unrelated, but what time are branches open on Saturdays?",
            back = "Anyway, back to my savings: when is the interest paid?", expect = { "first day" } },
          { topic = "app", text = "By the way, is the mobile app down today? It was slow this morning.",
            back = "Anyway, thanks for your help with the savings." },
        },
        questions = {
          "does the money arrive right away?",
          "Is there a fee for transfers between my own accounts?",
          "Will the transfer show on my statement today?",
        },
      },
    },
  },
  state = {
    customers = {
      ["31415926"] = { name = "Elena Sorensen", date_of_birth = "1979-09-03",
                       accounts = { checking = 4200.00, savings = 10500.00 } },
      ["27182818"] = { name = "Jonas Weber", date_of_birth = "1990-01-17",
                       accounts = { checking = 800.00, savings = 150.00 } },
    },
    transfers = {},
  },
  tools = {
    verify_identity = bank.verify_identity,
    get_balances = {
      description = "Look up the balances of a customer's accounts.",
      parameters = bank.BY_CUSTOMER,
      run = function(state, args)
        local c = state.customers[args.customer_number]
        if not c then return { ok = false, error = "no customer " .. tostring(args.customer_number) } end
        return { ok = true, checking_balance = fmt("%.2f EUR", c.accounts.checking),
                 savings_balance = fmt("%.2f EUR", c.accounts.savings) }
      end,
    },
    transfer_funds = {
      description = "Move money from checking to another of the customer's own accounts.",
      parameters = {
        type = "object",
        properties = {
          customer_number = bank.CUSTOMER,
          amount = { type = "number", description = "the amount in EUR (like 250.00)", pattern = "^[0-9]+\\.[0-9]{2}$" },
          to_account = { type = "string", description = "the account to transfer to", enum = { "savings" } },
        },
        required = { "customer_number", "amount", "to_account" },
      },
      run = function(state, args)
        local c = state.customers[args.customer_number]
        if not c then return { ok = false, error = "no customer " .. tostring(args.customer_number) } end
        local amount = tonumber(args.amount)
        if not amount or amount <= 0 then return { ok = false, error = "the amount must be positive" } end
        if amount > 1000 then return { ok = false, error = "the amount is above the daily limit of 1000.00 EUR" } end
        if amount > c.accounts.checking then return { ok = false, error = "insufficient funds" } end
        c.accounts.checking = c.accounts.checking - amount
        c.accounts[args.to_account] = c.accounts[args.to_account] + amount
        state.transfers[#state.transfers + 1] = { customer = args.customer_number, amount = amount }
        return { ok = true, reference = fmt("TR-%d", 7700 + #state.transfers),
                 new_checking_balance = fmt("%.2f EUR", c.accounts.checking) }
      end,
    },
    -- The waffler's first request (freezing its debit card), which it drops for the transfer.
    freeze_card = {
      description = "Freeze the customer's debit card temporarily; it can be unfrozen later.",
      parameters = bank.BY_CUSTOMER,
      run = function(state, args)
        local c = state.customers[args.customer_number]
        if not c then return { ok = false, error = "no customer " .. tostring(args.customer_number) } end
        c.card_frozen = true
        return { ok = true, status = "frozen" }
      end,
    },
    rename_account = {
      description = "Give the customer's savings account a nickname.",
      parameters = {
        type = "object",
        properties = {
          customer_number = bank.CUSTOMER,
          nickname = { type = "string", description = "the new nickname for the savings account" },
        },
        required = { "customer_number", "nickname" },
      },
      run = function(state, args)
        local c = state.customers[args.customer_number]
        if not c then return { ok = false, error = "no customer " .. tostring(args.customer_number) } end
        if type(args.nickname) ~= "string" or #args.nickname == 0 or #args.nickname > 30 then
          return { ok = false, error = "a nickname has 1 to 30 characters" }
        end
        c.nickname = args.nickname
        return { ok = true, shown_in = "the app and statements" }
      end,
    },
  },
  policies = {
    require_before("transfer_funds", "verify_identity", { severity = "critical" }),
    require_confirmation("transfer_funds"),
    max_value("transfer_funds", "amount", 1000),
    forbid_text("[Pp]assword[^.]*%?", "never ask for online banking passwords"),
    forbid_text("one%-time code[^.]*%?", "never ask for one-time codes"),
    require_before("rename_account", "verify_identity"),
    require_confirmation("rename_account"),
    require_before("freeze_card", "verify_identity"),
    require_confirmation("freeze_card"),
  },
  intents = { transfer = "transfer_funds", rename = "rename_account", freeze = "freeze_card" },
  fields = { ["customer number"] = { "customer_number" }, amount = { "transfer_funds.amount" }, nickname = { "rename_account.nickname" } },
  goal = function(state)
    local c = state.customers["31415926"].accounts
    return #state.transfers == 1 and state.transfers[1].amount == 900
      and c.checking == 3300.00 and c.savings == 11400.00
      and state.customers["27182818"].accounts.checking == 800.00
      and state.customers["31415926"].nickname == "Holiday Fund"
      and not state.customers["31415926"].card_frozen and not state.customers["27182818"].card_frozen
  end,
  max_turns = 25,
}
