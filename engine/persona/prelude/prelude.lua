-- spar prelude: the Lua standard library every persona and scenario sees.
-- Embedded into the binary at build time. It runs once per lua_State, trusted, before any
-- user script, and returns the sandbox: the only table user scripts can read globals from.
--
-- Policy lives here, in Lua; the C++ bridge (engine/persona/runtime.cc) provides mechanism:
-- coroutines, JSON crossing, budgets. The bridge resumes a persona coroutine; each user
-- action yields one plain table:
--   { op = "say",  text = "...", events = {...}, probe = {...}? }
--   { op = "stop", events = {...} }
-- and is resumed with the agent's reply { text = "...", tool_calls = {...}, truncated = bool }.

local S = {}            -- the sandbox: globals visible to scripts
local internal = {}     -- helpers the bridge calls; never visible to scripts

-- Allow-listed base functions and libraries. Nothing here reaches files, processes,
-- the network, bytecode or the debug library.
for _, name in ipairs { "assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal",
                        "rawget", "rawlen", "select", "tonumber", "tostring",
                        "type", "xpcall", "setmetatable", "getmetatable", "print" } do
  S[name] = _G[name]
end
-- Finalizers (__gc) would run during garbage collection, outside the step's CPU budget and
-- possibly inside engine code, so the sandbox refuses metatables that carry one.
local raw_setmetatable = setmetatable
S.setmetatable = function(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("setmetatable: __gc finalizers are not allowed in the sandbox", 2)
  end
  return raw_setmetatable(t, mt)
end
-- Library tables are read-only to scripts: a persona must not change the string, table or
-- math functions the scenario's policies (and the prelude) rely on. Scripts see a proxy that
-- reads through to the library and refuses writes; rawset and setmetatable refuse it too, and
-- the string metatable (behind ("").find) is protected. Scripts' own globals stay writable.
local READONLY = setmetatable({}, { __mode = "k" })
local function readonly(t, name)
  local proxy = raw_setmetatable({}, {
    __index = t,
    __newindex = function(_, k)
      error("cannot change " .. name .. "." .. tostring(k) .. ": the " .. name .. " library is read-only", 2)
    end,
    __pairs = function() return next, t, nil end,
    __len = function() return #t end,
    __metatable = name .. " (read-only)",
  })
  READONLY[proxy] = true
  return proxy
end
S.rawset = function(t, k, v)
  if READONLY[t] then error("rawset: library tables are read-only", 2) end
  return rawset(t, k, v)
end
S.string = readonly(string, "string")
S.table = readonly(table, "table")
S.math = readonly(math, "math")
S.utf8 = readonly(utf8, "utf8")
S.coroutine = readonly(coroutine, "coroutine")
getmetatable("").__metatable = readonly({ __index = S.string }, "string metatable")
S._VERSION = _VERSION
S.fmt = string.format

-- Errors raised here carry no position: the bridge prefixes the innermost line of the user's
-- script (skipping prelude frames), which is where the mistake is.
local function fail(msg) error(msg, 0) end

-- ---------------------------------------------------------------------------------------
-- Seeded variation. The bridge seeds math.random with the conversation's seed and then
-- removes math.randomseed, so every draw is reproducible.

-- rand() -> float in [0,1); rand(n) -> integer 1..n; rand(m, n) -> integer m..n
function S.rand(m, n)
  if m == nil then return math.random() end
  if n == nil then return math.random(m) end
  return math.random(m, n)
end

-- pick(list) -> one element, chosen with the seeded generator.
function S.pick(list)
  if type(list) ~= "table" or #list == 0 then
    fail("pick: expected a non-empty list")
  end
  return list[math.random(#list)]
end

-- spairs(t): pairs in sorted key order. Lua randomises hash order per state, so iterate
-- with spairs wherever the order reaches the agent.
function S.spairs(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    if type(a) == type(b) and (type(a) == "string" or type(a) == "number") then return a < b end
    return type(a) < type(b)
  end)
  local i = 0
  return function()
    i = i + 1
    local k = keys[i]
    if k ~= nil then return k, t[k] end
  end
end

-- typo(text, rate): seeded typing mistakes in lowercase words of four or more letters (a swap
-- of two neighbours, a dropped or a doubled letter). Digits, capitalised words and anything
-- else that could be a name or an identifier stay intact.
local function typo_word(word)
  local n = #word
  local i = math.random(2, n - 1)
  local kind = math.random(3)
  if kind == 1 then
    return word:sub(1, i - 1) .. word:sub(i + 1, i + 1) .. word:sub(i, i) .. word:sub(i + 2)
  elseif kind == 2 then
    return word:sub(1, i - 1) .. word:sub(i + 1)
  end
  return word:sub(1, i) .. word:sub(i, i) .. word:sub(i + 1)
end

function S.typo(text, rate)
  rate = rate or 0.1
  -- Whole tokens that look like identifiers (emails, URLs, codes, anything with a digit, '@',
  -- '/', '_' or an inner '.') are left alone: a typo there would be a different value.
  return (string.gsub(text, "%S+", function(token)
    if string.find(token, "[%d@/_]") or string.find(token, "%.%w") then return token end
    return (string.gsub(token, "%f[%a]%l%l%l%l+%f[%A]", function(word)
      if math.random() >= rate then return word end
      return typo_word(word)
    end))
  end))
end

local FILLERS = { "um, ", "uh, ", "so, ", "like, ", "well, ", "okay so, ", "hmm, " }

-- filler(text, rate): seeded hesitation words at the start of the text and after commas.
function S.filler(text, rate)
  rate = rate or 0.3
  local out = string.gsub(text, ", ", function()
    if math.random() < rate then return ", " .. FILLERS[math.random(#FILLERS)] end
    return ", "
  end)
  if math.random() < rate then
    local f = FILLERS[math.random(#FILLERS)]
    out = f:sub(1, 1):upper() .. f:sub(2) .. out:sub(1, 1):lower() .. out:sub(2)
  end
  return out
end

-- ---------------------------------------------------------------------------------------
-- Reading an agent turn: read(text, expectations) -> reading; consent(reading, right, wrong).
-- One module, so every persona understands any competent agent the same way, whatever its
-- wording: it classifies each sentence, never looks for one agent's stock phrases.
--
--   reading.kinds    set of: confirm (asks for a go-ahead or to confirm a proposal), yes_no
--                    (a question answered by yes or no), slot (asks for a value), question
--                    (any other question), proposal (a confirm or yes_no naming values),
--                    refusal, handoff (transfer to a human), closing ("anything else?"),
--                    statement (asks nothing)
--   reading.kind     the most telling of them, in that order (or "unknown" for an empty turn)
--   reading.slots    the slots asked for, in order of appearance: canonical names (dob, email,
--                    phone, order, account, booking, last_name, first_name, name, zip,
--                    address, date, amount, reason, card) and any expectations.slots key named
--   reading.values   the values the proposal names: ids, numbers, emails, known names
--   reading.proposal the proposal's text (the confirmation and the lines that set it out)
--   reading.question the closing question, lower-cased, or nil
-- expectations (optional): { slots = {key, ...}, known = {"descaling tablets", ...} }.

local SLOT_WORDS = {  -- canonical slot -> phrases, longest first within each
  { "dob", { "date of birth", "birth date", "birthdate", "birthday", "born", "birth", "dob", "d.o.b" } },
  { "email", { "email address", "e-mail address", "email", "e-mail", "mail address", "mailbox" } },
  { "phone", { "phone number", "telephone number", "mobile number", "cell number", "contact number",
               "phone", "telephone", "mobile", "cell" } },
  { "order", { "order number", "order id", "order no", "order #", "order reference", "order" } },
  { "account", { "account number", "account id", "user id", "user name", "username", "userid",
                 "customer number", "customer id", "member number", "member id", "membership number",
                 "login", "account" } },
  { "booking", { "reservation number", "reservation id", "reservation code", "booking reference",
                 "booking code", "booking number", "booking id", "confirmation code", "confirmation number",
                 "record locator", "pnr", "reservation", "booking" } },
  { "last_name", { "last name", "surname", "family name" } },
  { "first_name", { "first name", "given name" } },
  { "name", { "full name", "name" } },
  { "zip", { "zip code", "zip", "postal code", "postcode", "post code" } },
  { "address", { "street address", "shipping address", "home address", "address" } },
  { "card", { "last four digits", "last 4 digits", "last four", "card number", "card" } },
  { "date", { "which date", "what date", "new date", "travel date", "date" } },
  { "amount", { "how much", "amount" } },
  { "reason", { "reason", "why" } },
}

local function plain_lower(s) return string.lower(tostring(s or "")) end

-- find `needle` in `hay` (both lower-case) as a whole word or phrase; returns its position.
local function find_word(hay, needle, init)
  local i = init or 1
  while true do
    local a, b = string.find(hay, needle, i, true)
    if not a then return nil end
    local before = a > 1 and string.sub(hay, a - 1, a - 1) or " "
    local after = string.sub(hay, b + 1, b + 1)
    if not string.find(before, "[%w]") and (after == "" or not string.find(after, "[%w]")) then
      return a, b
    end
    i = a + 1
  end
end

-- The canonical slot a phrase names ("born" -> dob, "e-mail" -> email), or nil.
local function slot_of(phrase)
  local p = plain_lower(phrase)
  for _, entry in ipairs(SLOT_WORDS) do
    for _, w in ipairs(entry[2]) do
      if find_word(p, w) then return entry[1] end
    end
  end
  return nil
end

-- Sentences: lines, then sentence ends (. ! ? followed by space). Each {text, lower, ends_q}.
local function sentences(text)
  local out = {}
  for line in string.gmatch(tostring(text or "") .. "\n", "([^\n]*)\n") do
    local marked = string.gsub(line, "([%.!?])%s+", "%1\1")
    for part in string.gmatch(marked .. "\1", "([^\1]*)\1") do
      local t = string.match(part, "^%s*(.-)%s*$")
      if t ~= "" then
        out[#out + 1] = { text = t, lower = string.lower(t),
                          ends_q = string.find(t, "%?[%s%)%*\"']*$") ~= nil or string.find(t, "%?") ~= nil }
      end
    end
  end
  return out
end

local AUX = { is = 1, are = 1, am = 1, was = 1, were = 1, ["do"] = 1, does = 1, did = 1, have = 1,
              has = 1, had = 1, can = 1, could = 1, would = 1, will = 1, shall = 1, should = 1,
              may = 1, might = 1, must = 1, ["isn't"] = 1, ["aren't"] = 1, ["don't"] = 1, ["won't"] = 1 }
local WH = { how = 1, what = 1, which = 1, when = 1, where = 1, who = 1, whom = 1, whose = 1, why = 1 }

-- Phrases that ask for a go-ahead or for confirmation of what the agent set out.
local CONFIRM = { "shall i", "should i", "shall we", "would you like me to", "do you want me to",
                  "want me to", "like me to", "go ahead", "to confirm", "can you confirm",
                  "could you confirm", "please confirm", "do you confirm", "confirm that", "confirm if",
                  "confirm whether", "is that correct", "is this correct", "is that right", "is this right",
                  "is everything correct", "are these details correct", "correct?", "proceed", "sound good",
                  "sounds good", "does that work", "does this work", "is that ok", "is that okay",
                  "is this ok", "is this okay", "are you ok with", "are you okay with", "ok with",
                  "okay with", "happy for me to", "happy with", "yes/no", "yes or no", "are you sure",
                  "good to go", "all set", "move forward", "green light", "shall i do", "do i have your",
                  "may i have your permission", "your approval", "approve", "authorize", "authorise",
                  "the go-ahead", "let me know if you'd like me to", "let me know if you want me to",
                  "want to go ahead", "like to go ahead", "ready for me to", "you'd like to proceed" }
-- Ask for a value without a question mark.
local REQUEST = { "please provide", "please share", "please give", "please tell", "please send",
                  "please let me know", "please enter", "please type", "please confirm your",
                  "please verify", "provide", "share", "let me know", "tell me", "give me",
                  "i'll need", "i will need", "i need", "i'd need", "i would need", "we need", "we'll need",
                  "may i have", "can i have", "can i get", "could i get", "could i have", "need your",
                  "need the", "what is", "what's", "what was", "verify your", "confirm your",
                  "do you have your", "do you have the", "do you know your", "do you know the" }
local REFUSAL = { "i can't", "i cannot", "i can not", "i'm unable", "i am unable", "unable to",
                  "not able to", "i won't be able", "i'm not able", "not possible", "not allowed",
                  "against our policy", "against policy", "not permitted", "i couldn't", "i could not",
                  "not eligible", "i'm afraid", "we can't", "we cannot", "i must decline" }
local HANDOFF = { "transfer you", "transferring you", "human agent", "live agent", "a representative",
                  "a supervisor", "connect you with", "connecting you", "escalate", "a specialist",
                  "a colleague", "someone from our team", "transfer_to_human" }
local CLOSING = { "anything else", "something else i can", "any other questions", "anything more",
                  "else i can help", "else can i help", "help you with today", "how can i help",
                  "how may i help", "what can i do for you", "how can i assist", "how may i assist" }
local REPORT = { "i've checked", "i have checked", "i found", "i see", "i can see", "currently",
                 "your current", "i've looked", "i have looked", "according to", "on file", "on record" }
local PROPOSE = { "to confirm", "you want me to", "i'll ", "i will", "i'm going to", "i am going to",
                  "i would", "i'd ", "i can ", "this will", "that will", "here are", "here is", "here's",
                  "details", "summary", "summarize", "to recap", "so that's", "that's", "the new",
                  "following", "proceed", "change", "update", "book" }

local function any_of(s, list)
  for _, p in ipairs(list) do
    if string.find(s, p, 1, true) then return true end
  end
  return false
end

local function first_at(s, list)
  local best
  for _, p in ipairs(list) do
    local a = string.find(s, p, 1, true)
    if a and (best == nil or a < best) then best = a end
  end
  return best
end

-- Request verbs that ask for a value, even in a sentence that also says "proceed".
local ASK_VALUE = { "provide", "share", "tell me", "give me", "let me know your", "send me", "what is",
                    "what's", "may i have", "can i have", "can i get", "could i get", "could i have" }

local function first_word(s)
  return string.match(s, "^[%s%p]*([%a']+)") or ""
end

local function is_list_line(s)
  return string.find(s, "^%s*[%-%*•]") ~= nil or string.find(s, "^%s*%d+[%.%)]%s") ~= nil
end

-- Values a text names: emails, tokens with a digit (ids, amounts, dates, seats), and known
-- names. Each value once, in order of appearance.
local function values_in(text, known)
  local out, seen = {}, {}
  local function add(v)
    local k = string.lower(v)
    if v ~= "" and not seen[k] then seen[k] = true; out[#out + 1] = v end
  end
  for e in string.gmatch(text, "[%w%._%%+-]+@[%w%.-]+%.%a+") do add(e) end
  for tok in string.gmatch(text, "[%w%$#%-/%.:,_]+") do
    if string.find(tok, "%d") and not string.find(tok, "@") then
      tok = string.gsub(tok, "^[%$#]+", "")
      tok = string.gsub(tok, "[%.:,%-/]+$", "")
      if string.find(tok, "^%d[%d,]*%.?%d*$") then tok = string.gsub(tok, ",", "") end
      if tok ~= "" then add(tok) end
    end
  end
  local low = string.lower(text)
  for _, k in ipairs(known or {}) do
    if find_word(low, string.lower(tostring(k))) then add(tostring(k)) end
  end
  return out
end

-- A turn is read from its last READ_LIMIT bytes (from a line start within them): what it asks
-- is at its end, and a hostile reply of megabytes must not spend the persona's CPU budget.
local READ_LIMIT = 16384

function S.read(text, expectations)
  local opts = expectations or {}
  if type(opts) ~= "table" then fail("read: expectations must be a table") end
  local r = { kinds = {}, slots = {}, values = {}, text = tostring(text or "") }
  if #r.text > READ_LIMIT then
    local tail = string.sub(r.text, -READ_LIMIT)
    r.text = string.match(tail, "\n(.*)$") or tail
  end
  local ss = sentences(r.text)
  if #ss == 0 then r.kind = "unknown"; r.kinds.unknown = true; return r end
  local confirm_at, question_at, yes_no_at
  local slot_seen = {}
  for i, s in ipairs(ss) do
    local l, fw = s.lower, string.lower(first_word(s.lower))
    local wh = WH[fw] ~= nil
    local closing = any_of(l, CLOSING)
    local asks = s.ends_q or any_of(l, REQUEST) or string.find(l, "%f[%w]please%f[%W]") ~= nil
    if s.ends_q then question_at = i end
    if closing and s.ends_q then r.kinds.closing = true end
    -- "Can you confirm your email address?" asks for a value: a slot, not a go-ahead.
    -- So is "Could you provide your user ID so I can proceed?": a request verb with a slot.
    local asks_value = (string.find(l, "confirm your", 1, true) or string.find(l, "verify your", 1, true)
                        or string.find(l, "confirm the", 1, true) or any_of(l, ASK_VALUE))
                       and slot_of(l) ~= nil and #values_in(s.text) == 0
    -- "Would you like to proceed, or is there anything else?" still asks for the go-ahead.
    if closing then
      local c = first_at(l, CONFIRM)
      if c and c < first_at(l, CLOSING) then closing = false end
    end
    if not closing and not wh and not asks_value and (s.ends_q or string.find(l, "please", 1, true) or string.find(l, "let me know", 1, true)
        or string.find(l, "yes/no", 1, true) or string.find(l, "confirm", 1, true)) and any_of(l, CONFIRM) then
      r.kinds.confirm = true
      confirm_at = i
    elseif s.ends_q and not closing and AUX[fw] then
      r.kinds.yes_no = true
      yes_no_at = i
    elseif s.ends_q and not closing then
      r.kinds.question = true
    end
    -- A yes/no question asks for a value only with a request verb ("Could you tell me ...",
    -- "Do you have your ..."): "Would you like to use your card?" asks for none.
    if yes_no_at == i and not any_of(l, REQUEST) then asks = false end
    if asks and (not closing or any_of(l, ASK_VALUE)) and confirm_at ~= i then
      -- Slots: the persona's own keys named as written, then canonical slot words; a longer
      -- phrase wins over the words inside it ("email address" is not an address), except
      -- over a key of the persona's that no slot word names.
      local found = {}
      for _, key in ipairs(opts.slots or {}) do
        local k = string.lower(tostring(key))
        local a, b = find_word(l, k)
        -- a key no slot word names ("digits") is the persona's own and never gives way
        if a then found[#found + 1] = { a, b, tostring(key), slot_of(k) == nil } end
      end
      for _, entry in ipairs(SLOT_WORDS) do
        for _, w in ipairs(entry[2]) do
          local a, b = find_word(l, w)
          if a then found[#found + 1] = { a, b, entry[1] } end
        end
      end
      table.sort(found, function(x, y)
        if x[2] - x[1] ~= y[2] - y[1] then return x[2] - x[1] > y[2] - y[1] end
        return x[1] < y[1]
      end)
      local kept = {}
      for _, f in ipairs(found) do
        local free = true
        for _, k in ipairs(f[4] and {} or kept) do
          if f[1] <= k[2] and k[1] <= f[2] and (f[3] ~= k[3] or (k[1] <= f[1] and f[2] <= k[2])) then
            free = false
          end
        end
        if free then kept[#kept + 1] = f end
      end
      -- The persona's own key stands for the slot phrase around it (one request, one answer).
      for n = #kept, 1, -1 do
        for _, k in ipairs(kept) do
          if k[4] and k ~= kept[n] and not kept[n][4] and kept[n][1] <= k[2] and k[1] <= kept[n][2] then
            table.remove(kept, n)
            break
          end
        end
      end
      table.sort(kept, function(x, y) return x[1] < y[1] or (x[1] == y[1] and x[3] < y[3]) end)
      -- "the email address on the order", "the last four digits of the card": after the first
      -- slot, one that only says whose value it is, is not asked for.
      for n = #kept, 2, -1 do
        local before = string.sub(l, math.max(1, kept[n][1] - 24), kept[n][1] - 1)
        if string.find(before, "%f[%w]on %a+ $") or string.find(before, "%f[%w]of %a+ $")
            or string.find(before, "%f[%w]for %a+ $") or string.find(before, "%f[%w]from %a+ $")
            or string.find(before, "%f[%w]with %a+ $") or string.find(before, "%f[%w]in %a+ $") then
          table.remove(kept, n)
        end
      end
      for _, f in ipairs(kept) do
        if not slot_seen[f[3]] then slot_seen[f[3]] = true; r.slots[#r.slots + 1] = f[3] end
      end
    end
    if any_of(l, REFUSAL) then r.kinds.refusal = true end
    if any_of(l, HANDOFF) then r.kinds.handoff = true end
  end
  -- "Could you tell me your email?" is a slot request, not a yes/no question.
  if #r.slots > 0 then
    r.kinds.slot = true
    if yes_no_at and not r.kinds.confirm then
      local l = ss[yes_no_at].lower
      if any_of(l, REQUEST) and slot_of(l) ~= nil then r.kinds.yes_no = nil end
    end
  end
  -- The proposal: the confirmation (or a yes/no question) and the lines that set it out,
  -- back to the first line that reports rather than proposes.
  local at = confirm_at or yes_no_at
  if at then
    local parts = { ss[at].text }
    local own = #values_in(ss[at].text, opts.known) > 0
    local i = at - 1
    while i >= 1 and at - i <= 8 do
      local l = ss[i].lower
      if ss[i].ends_q or any_of(l, REPORT) then break end
      if not (is_list_line(ss[i].text) or any_of(l, PROPOSE) or string.find(l, "^[%w%s]+:") or not own) then break end
      table.insert(parts, 1, ss[i].text)
      own = true
      i = i - 1
    end
    local j = at + 1
    while j <= #ss and is_list_line(ss[j].text) do parts[#parts + 1] = ss[j].text; j = j + 1 end
    r.proposal = table.concat(parts, " ")
    r.values = values_in(r.proposal, opts.known)
    if #r.values > 0 then r.kinds.proposal = true end
  end
  if question_at then
    r.question = string.lower(string.match(r.text, "([^%.!?\n]*%?)[^?]*$") or ss[question_at].text)
  end
  local any = false
  for _ in pairs(r.kinds) do any = true end
  if not any then r.kinds.statement = true end
  for _, k in ipairs { "confirm", "slot", "yes_no", "question", "handoff", "refusal", "closing", "statement" } do
    if r.kinds[k] then r.kind = k; break end
  end
  return r
end

-- Whether the text (lower-case) names a value: numbers compare as numbers ("64.5" names
-- 64.50), anything else as a whole word or phrase, case-insensitive.
local MONTHS = { "january", "february", "march", "april", "may", "june", "july", "august", "september",
                 "october", "november", "december" }

-- Whether lower-cased `low` names the ISO date y-m-d as people write it: "May 21", "21 May",
-- "May 21st, 2026", "the 21st of May", "Sept. 3" (an agent confirms in its own words, not in
-- the tool's format).
local function names_date(low, m, d)
  local month = MONTHS[m]
  if month == nil or d < 1 or d > 31 then return false end
  local names = { month, string.sub(month, 1, 3) }
  if m == 9 then names[#names + 1] = "sept" end
  for _, name in ipairs(names) do
    for _, pat in ipairs({ "%f[%a]" .. name .. "%.?%s+0?(%d%d?)%f[^%d]", "%f[%d]0?(%d%d?)%a*%s+" .. name .. "%f[^%a]",
                           "%f[%d]0?(%d%d?)%a*%s+of%s+" .. name .. "%f[^%a]" }) do
      for day in string.gmatch(low, pat) do
        if tonumber(day) == d then return true end
      end
    end
  end
  return false
end

local function names_value(reading, value)
  local v = tostring(value)
  local low = string.lower(reading.proposal or "")
  local y, m, d = string.match(v, "^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if y and (find_word(low, v) ~= nil or names_date(low, tonumber(m), tonumber(d))) then return true end
  if string.find(v, "^%d+%.%d+$") then
    local n = tonumber(v)
    for _, x in ipairs(reading.values or {}) do
      if tonumber(x) == n then return true end
    end
    for num in string.gmatch(low, "%d+%.?%d*") do
      if tonumber(num) == n then return true end
    end
    return false
  end
  return find_word(low, string.lower(v)) ~= nil
end

-- consent(reading, right, wrong) -> yes, why: yes only to a proposal (or confirmation) that
-- names every right value and none of the wrong ones. Otherwise why = { missing = {...},
-- wrong = {...}, correction = "..." } says what to correct.
function S.consent(reading, right, wrong)
  if type(reading) ~= "table" or type(reading.kinds) ~= "table" then fail("consent: expected a reading from read()") end
  local why = { missing = {}, wrong = {} }
  if not (reading.kinds.confirm or reading.kinds.yes_no) or not reading.proposal then
    why.no_proposal = true
    return false, why
  end
  for _, v in ipairs(right or {}) do
    if not names_value(reading, v) then why.missing[#why.missing + 1] = tostring(v) end
  end
  for _, v in ipairs(wrong or {}) do
    local ok = true
    for _, rv in ipairs(right or {}) do
      if string.lower(tostring(rv)) == string.lower(tostring(v)) then ok = false end
    end
    if ok and names_value(reading, v) then why.wrong[#why.wrong + 1] = tostring(v) end
  end
  if #why.missing == 0 and #why.wrong == 0 then return true, nil end
  local want = table.concat(right or {}, ", ")
  if #why.wrong > 0 then
    why.correction = "No, not " .. table.concat(why.wrong, " or ") .. ": " .. want .. "."
  else
    why.correction = "No, that's not it: " .. want .. "."
  end
  return false, why
end


-- ---------------------------------------------------------------------------------------
-- Replies

local Reply = {}
Reply.__index = Reply

local function lower(s) return string.lower(tostring(s or "")) end

-- r:mentions(x): the reply's text or tool arguments contain x (case-insensitive, plain).
function Reply:mentions(x)
  local needle = lower(x)
  if string.find(lower(self.text), needle, 1, true) then return true end
  for _, call in ipairs(self.tool_calls or {}) do
    if string.find(lower(call.arguments), needle, 1, true) then return true end
  end
  return false
end

-- r:asks_question(): the reply ends a sentence with a question mark.
function Reply:asks_question()
  return string.find(self.text or "", "%?") ~= nil
end

-- r:called(tool): the agent called this tool while answering.
function Reply:called(tool)
  for _, call in ipairs(self.tool_calls or {}) do
    if call.name == tool then return true end
  end
  return false
end

-- r:question(): the agent's closing question, lower-cased, or nil when it asks none.
function Reply:question()
  if not self:asks_question() then return nil end
  return string.lower(string.match(self.text, "([^%.!?]*%?)%s*$") or self.text)
end

-- r:read(expectations?): the reading of the agent's text (see read() above).
function Reply:read(expectations)
  if expectations ~= nil then return S.read(self.text, expectations) end
  self._reading = self._reading or S.read(self.text)
  return self._reading
end

-- r:asks_go_ahead(): the agent asks for a go-ahead or to confirm what it set out, however it
-- words it ("Shall I go ahead?", "Would you like me to proceed?", "Is that correct?").
function Reply:asks_go_ahead()
  return self:read().kinds.confirm == true
end

-- r:asks_for(key): the agent asks for the value `key` names, as written or by a synonym
-- ("date of birth" is asked by "When were you born?").
function Reply:asks_for(key)
  local k = string.lower(tostring(key))
  local q = self:question()
  if q and find_word(q, k) then return true end
  local canon = slot_of(k)
  for _, s in ipairs(self:read{ slots = { k } }.slots) do
    if s == k or (canon ~= nil and s == canon) then return true end
  end
  return false
end

-- r:proposes(right, wrong?) -> yes, why: consent by values (see consent() above): the
-- agent's confirmation names every right value and none of the wrong ones.
function Reply:proposes(right, wrong)
  local known = {}
  for _, v in ipairs(right or {}) do known[#known + 1] = v end
  for _, v in ipairs(wrong or {}) do known[#known + 1] = v end
  return S.consent(self:read{ known = known }, right, wrong)
end

-- r:mentions_all(list): r:mentions(x) for every x in list.
function Reply:mentions_all(list)
  for _, x in ipairs(list) do if not self:mentions(x) then return false end end
  return true
end

-- r:expect{contains=, not_contains=, matches=, called=, args=} -> met: an assertion on what the
-- agent said or did in this reply's turn. contains / not_contains: a string or a list of them,
-- case-insensitive substrings of all the agent's text of the turn; matches: an ECMAScript
-- regular expression (case-sensitive); called: the agent called this tool in the turn; args:
-- some call of the turn (of `called`, when given) has these argument values. The expectation is
-- recorded with the turn and this script line, and scoring fails the conversation when it is
-- not met; the return value lets the persona react to it.
local EXPECT_KEYS = { contains = true, not_contains = true, matches = true, called = true, args = true }
local function expect_words(v, key)
  if type(v) == "string" or type(v) == "number" then v = { v } end
  if type(v) ~= "table" or #v == 0 then fail("expect: " .. key .. " must be a string or a non-empty list of strings") end
  local out = {}
  for k, x in pairs(v) do
    if math.type(k) ~= "integer" or k < 1 or k > #v or (type(x) ~= "string" and type(x) ~= "number") then
      fail("expect: " .. key .. " must be a string or a non-empty list of strings")
    end
    out[k] = tostring(x)
  end
  return out
end
function Reply:expect(spec)
  if type(spec) ~= "table" then fail("expect: expected a table argument") end
  local norm, any = {}, false
  for k, v in pairs(spec) do
    if not EXPECT_KEYS[k] then fail("expect: unknown field '" .. tostring(k) .. "'") end
    any = true
    if k == "contains" or k == "not_contains" then
      norm[k] = expect_words(v, k)
    elseif k == "matches" or k == "called" then
      if type(v) ~= "string" or v == "" then fail("expect: " .. k .. " must be a non-empty string") end
      norm[k] = v
    else
      if type(v) ~= "table" or next(v) == nil then fail("expect: args must be a table of argument values") end
      for name in pairs(v) do
        if type(name) ~= "string" then fail("expect: args must be a table of argument values") end
      end
      norm.args = v
    end
  end
  if not any then fail("expect: expected at least one of contains, not_contains, matches, called, args") end
  return internal.expect(norm, self.turn or 0, self.said or self.text, self.tool_calls)
end

internal.wrap_reply = function(raw)
  raw.text = raw.text or ""
  raw.tool_calls = raw.tool_calls or {}
  return setmetatable(raw, Reply)
end

-- ---------------------------------------------------------------------------------------
-- The simulated user

local User = {}
User.__index = User

local function check_text(text, fn)
  if type(text) ~= "string" or text == "" then
    fail(fn .. ": expected non-empty text")
  end
end

local function need(spec, key, fn)
  if type(spec) ~= "table" then fail(fn .. ": expected a table argument") end
  if spec[key] == nil then fail(fn .. ": missing field '" .. key .. "'") end
  return spec[key]
end

-- A field that must be a string (an intent, a field name ...).
local function need_str(spec, key, fn)
  local v = need(spec, key, fn)
  if type(v) ~= "string" then fail(fn .. ": " .. key .. " must be a string") end
  return v
end

-- A value shown as text: a string or a number (tostring of anything else would record a table's
-- address, or run its __tostring).
local function need_text(spec, key, fn)
  local v = need(spec, key, fn)
  if type(v) ~= "string" and type(v) ~= "number" then fail(fn .. ": " .. key .. " must be a string or a number") end
  return tostring(v)
end

-- An optional list of strings (`expect`, `candidates`).
local function opt_strings(v, fn, key)
  if v == nil then return nil end
  if type(v) ~= "table" then fail(fn .. ": " .. key .. " must be a list of strings") end
  local out = {}
  for i, x in ipairs(v) do
    if type(x) ~= "string" and type(x) ~= "number" then fail(fn .. ": " .. key .. " must be a list of strings") end
    out[i] = tostring(x)
  end
  return out
end

local function opt_str(v, fn, key)
  if v ~= nil and type(v) ~= "string" then fail(fn .. ": " .. key .. " must be a string") end
  return v
end

function User:_styled(text)
  if self._style.typos then text = S.typo(text, self._style.typos) end
  if self._style.fillers then text = S.filler(text, self._style.fillers) end
  return text
end

function User:_send(text, event, extra)
  local action = { op = "say", text = self:_styled(text), events = self._pending }
  if event then table.insert(action.events, event) end
  if extra then for k, v in pairs(extra) do action[k] = v end end
  self._pending = {}
  local raw = coroutine.yield(action)
  self._turn = raw.turn or (self._turn + 1)
  return internal.wrap_reply(raw)
end

-- u:style{typos = rate, fillers = rate}: seeded noise on every message sent from now on.
function User:style(spec)
  if type(spec) ~= "table" then fail("style: expected a table argument") end
  for k, v in pairs(spec) do
    if k ~= "typos" and k ~= "fillers" then fail("style: unknown field '" .. tostring(k) .. "'") end
    if v ~= false and (type(v) ~= "number" or v < 0 or v > 1) then
      fail("style: " .. k .. " must be a rate from 0 to 1")
    end
    self._style[k] = v or nil
  end
end

-- u:say(text) -> reply. Sends one message and waits for the agent's complete reply.
function User:say(text)
  check_text(text, "say")
  return self:_send(text)
end

-- u:correct{field=, from=, to=, text=}: a value the user gave is superseded.
function User:correct(spec)
  local text = need(spec, "text", "correct")
  check_text(text, "correct")
  return self:_send(text, { type = "correction", field = need_str(spec, "field", "correct"),
                            from = need_text(spec, "from", "correct"),
                            to = need_text(spec, "to", "correct") })
end

-- u:change_intent{from=, to=, text=}: the user's goal is superseded.
function User:change_intent(spec)
  local text = need(spec, "text", "change_intent")
  check_text(text, "change_intent")
  return self:_send(text, { type = "intent_change", from = need_str(spec, "from", "change_intent"),
                            to = need_str(spec, "to", "change_intent") })
end

-- u:interrupt{after_chars = N, text = "...", prompt = "..."?, expect = {...}?}: barge-in. Sends `prompt` (a
-- seeded follow-up when omitted); with a streaming agent its reply is cut after N characters
-- and `text` is sent at once; the cut reply stays in the history, marked truncated. With a
-- non-streaming agent, prompt and text arrive as two consecutive user messages. Returns the
-- reply to `text`. `expect`: words a reply that addresses `text` would contain (scoring).
local PROMPTS = { "Okay, so what happens next?", "Can you walk me through how that works?",
                  "And how long does all of that take?" }
function User:interrupt(spec)
  local text = need(spec, "text", "interrupt")
  check_text(text, "interrupt")
  local n = need(spec, "after_chars", "interrupt")
  if math.type(n) ~= "integer" or n < 0 then fail("interrupt: after_chars must be a whole number >= 0") end
  local prompt = spec.prompt or S.pick(PROMPTS)
  check_text(prompt, "interrupt")
  local expect = opt_strings(spec.expect, "interrupt", "expect")
  return self:_send(prompt, { type = "interruption", after_chars = n, text = text, expect = expect },
                    { interrupt = { after_chars = n, text = self:_styled(text) } })
end

-- u:ambiguous{text = "...", referent = "...", candidates = {...}?, field = "..."?}: a reference the
-- agent must resolve or ask about; `referent` is what the user means; `field` names what the
-- candidates are, for the scenario's `fields` binding to the tool arguments that carry them.
function User:ambiguous(spec)
  local text = need(spec, "text", "ambiguous")
  check_text(text, "ambiguous")
  local ev = { type = "ambiguity", referent = need_text(spec, "referent", "ambiguous"),
               candidates = opt_strings(spec.candidates, "ambiguous", "candidates"),
               field = opt_str(spec.field, "ambiguous", "field") }
  return self:_send(text, ev)
end

-- u:contradict{field = "...", earlier = "...", now = "...", text = "..."}: the user states
-- something that contradicts what they said before.
function User:contradict(spec)
  local text = need(spec, "text", "contradict")
  check_text(text, "contradict")
  return self:_send(text, { type = "contradiction", field = need_str(spec, "field", "contradict"),
                            earlier = need_text(spec, "earlier", "contradict"),
                            now = need_text(spec, "now", "contradict") })
end

-- u:topic_switch{text = "digression", back = "return to the task", topic = "..."?}: a
-- digression, then a return. Two turns; the event is recorded on the return turn and the
-- reply to the return is returned.
function User:topic_switch(spec)
  local text = need(spec, "text", "topic_switch")
  local back = need(spec, "back", "topic_switch")
  check_text(text, "topic_switch")
  check_text(back, "topic_switch")
  local topic = opt_str(spec.topic, "topic_switch", "topic")
  local expect = opt_strings(spec.expect, "topic_switch", "expect")
  local r = self:_send(text)
  return self:_send(back, { type = "topic_switch", digression = text, back = back, topic = topic,
                            expect = expect, digression_turn = r.turn })
end

-- u:llm{instructions = "...", fallback = "..."}: the next message is written by the model
-- given with --user-model, from these instructions and the conversation so far. Without
-- --user-model, `fallback` is sent as written. system = "..." replaces spar's own prompt for the
-- user model (instructions are then optional), greeting = "..." opens the user model's history
-- as the agent's first message, stop = "###STOP###" ends the conversation (ended user_stop) when
-- the model's message holds it.
local LLM_FIELDS = { instructions = true, fallback = true, system = true, greeting = true, stop = true }
function User:llm(spec)
  local fallback = need(spec, "fallback", "llm")
  check_text(fallback, "llm")
  for k in pairs(spec) do
    if not LLM_FIELDS[k] then fail("llm: unknown field '" .. tostring(k) .. "'") end
  end
  local llm = {}
  if spec.system == nil or spec.instructions ~= nil then
    llm.instructions = need(spec, "instructions", "llm")
    check_text(llm.instructions, "llm")
  end
  for _, key in ipairs { "system", "greeting", "stop" } do
    if spec[key] ~= nil then
      if type(spec[key]) ~= "string" or spec[key] == "" then fail("llm: " .. key .. " must be non-empty text") end
      llm[key] = spec[key]
    end
  end
  return self:_send(fallback, nil, { llm = llm })
end

-- u:unread(r): the persona could not tell what the agent's turn `r` wants. The next message
-- is written by --user-model (answering from the facts, or asking the agent to rephrase);
-- without one, a neutral request to say it again. Raises an `unread` event naming how the
-- turn read, so the record shows which turns the persona did not understand.
local NEUTRAL = { "Sorry, could you say that again?", "Sorry, I'm not sure what you need from me.",
                  "Sorry, I didn't follow. Could you put that another way?",
                  "Hmm, I'm not sure I understand. What do you need me to do?" }
function User:unread(r)
  local rd = type(r) == "table" and type(r.read) == "function" and r:read() or S.read("")
  local ev = { type = "unread", reading = rd.kind }
  if rd.question then ev.question = string.sub(rd.question, 1, 200) end
  return self:_send(S.pick(NEUTRAL), ev, { llm = { instructions =
    "You did not understand the agent's last message. Reply in one or two short sentences as the "
    .. "user: answer what it asked from your facts if you can, otherwise ask it to rephrase. Never agree "
    .. "to an action you did not ask for." } })
end

-- u:fill_until(turn): keeps the conversation plausible until `turn` turns are complete, with
-- seeded follow-ups and small talk drawn from the scenario's facts.
local FOLLOW_UPS = {
  "How long does that usually take?",
  "Will I get an email confirming this?",
  "Thanks. Is there anything else I need to do on my side?",
  "Could you sum up where we are?",
  "Sorry, I'm juggling a few things here. Where were we?",
  "Is there a reference number I should keep?",
  "That's helpful, thank you.",
  "Out of curiosity, what are your opening hours?",
  "Can I reach you by phone as well, or only here?",
  "Just making notes. Thanks for your patience.",
}
function User:fill_until(turn)
  if math.type(turn) ~= "integer" then fail("fill_until: expected a whole turn number") end
  local lines = {}
  for _, line in ipairs(FOLLOW_UPS) do lines[#lines + 1] = line end
  for key, value in S.spairs(self._facts) do
    if type(value) == "string" or type(value) == "number" then
      local label = string.gsub(tostring(key), "_", " ")
      lines[#lines + 1] = "For your records, my " .. label .. " is " .. tostring(value) .. "."
    end
  end
  local last
  while self._turn < turn do
    local line
    repeat line = S.pick(lines) until line ~= last or #lines == 1
    last = line
    self:say(line)
  end
end

-- u:plant(key, value): a fact the agent should retain; probed later with u:probe.
function User:plant(key, value)
  if type(key) ~= "string" then fail("plant: expected a string key") end
  self._planted[key] = tostring(value)
end

-- u:probe(key, text) -> reply. Asks the agent to recall a planted fact.
function User:probe(key, text)
  if type(key) ~= "string" then fail("probe: expected a string key") end
  check_text(text, "probe")
  local expected = self._planted[key]
  if expected == nil then fail("probe: nothing planted under '" .. tostring(key) .. "'") end
  return self:_send(text, nil, { probe = { key = key, expected = expected } })
end

-- u:turn() -> number of completed turns.
function User:turn() return self._turn end

-- u:stop(): ends the conversation here (ended persona_done). u:stop(reason): the user ends it
-- on purpose (ended user_stop, the reason in the record's user_stop).
function User:stop(reason)
  if reason ~= nil then check_text(reason, "stop") end
  coroutine.yield({ op = "stop", text = reason, events = self._pending })
  fail("the conversation has stopped")
end

internal.new_user = function(facts)
  return setmetatable({ _turn = 0, _pending = {}, _planted = {}, _style = {}, _facts = facts or {} }, User)
end

-- ---------------------------------------------------------------------------------------
-- Story beats: what the bundled personas share, over the facts vocabulary of
-- personas/README.md (facts.story). A persona keeps only its own confusion beats.

local story = {}
S.story = story

-- story.answer(s, r): the answer to what the agent asks for: every entry of s.answers whose
-- key, or the slot it names ("birth" is a date of birth, and "When were you born?" asks for
-- one), the agent asks for in its turn, in the order it asks (a longer phrase wins over a key
-- inside it: "email address" does not ask for the `address`); or nil.
function story.answer(s, r)
  local keys = {}
  for key in S.spairs(s.answers) do keys[#keys + 1] = key end
  local rd = r:read{ slots = keys }
  local out, used = {}, {}
  for _, slot in ipairs(rd.slots) do
    for _, key in ipairs(keys) do
      if not used[key] and (key == slot or slot_of(key) == slot) then
        used[key] = true
        out[#out + 1] = s.answers[key]
        break
      end
    end
  end
  if #out == 0 then return nil end
  return table.concat(out, " ")
end

-- story.wrong(s, ...): the values a confirmation of the story's action must not name: the
-- other customer's id, the user's other record, and any value given (a superseded one).
function story.wrong(s, ...)
  local out = {}
  if s.wrong_id ~= nil then out[#out + 1] = tostring(s.wrong_id) end
  if s.other_id ~= nil then out[#out + 1] = tostring(s.other_id) end
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if type(v) == "string" or type(v) == "number" then out[#out + 1] = tostring(v) end
  end
  return out
end

-- story.reply(u, s, r [, default]): answers what the agent asked (story.answer); when the
-- agent asked nothing the persona can answer, sends `default` if given, else an unread turn.
function story.reply(u, s, r, default)
  local a = story.answer(s, r)
  if a then return u:say(a) end
  if default then return u:say(default) end
  return u:unread(r)
end

-- story.negotiate(u, s, r [, o]): the negotiation every bundled persona shares: answer what
-- the agent asks and say yes only to a go-ahead that proposes the right action. Until the agent
-- has made the story's write (`o.done(r)`, default r:called(o.tool or s.tool)), for at most
-- `o.rounds` replies (default 10), each reply gets the first of:
--   o.first(r)   the persona's own beat, ahead of everything (returns the next reply, or nil);
--   a go-ahead that proposes `o.expect` (default s.expect) and none of
--                story.wrong(s, o.superseded and o.superseded()): o.yes(r), else a yes
--                from `o.yes_texts` (picked);
--   another go-ahead: o.no(r), else u:say(s.fix);
--   o.other(r)   the persona's beat for a reply that asks no go-ahead (or nil);
--   o.reply(r)   default story.reply(u, s, r).
-- Returns the last reply.
function story.negotiate(u, s, r, o)
  o = o or {}
  local tool = o.tool or s.tool
  local done = o.done or function(x) return x:called(tool) end
  for _ = 1, o.rounds or 10 do
    if done(r) then break end
    local nxt = o.first and o.first(r)
    if nxt == nil then
      if r:asks_go_ahead() and r:proposes(o.expect or s.expect, story.wrong(s, o.superseded and o.superseded())) then
        nxt = o.yes and o.yes(r) or u:say(S.pick(o.yes_texts or { "Yes, go ahead." }))
      elseif r:asks_go_ahead() then
        nxt = o.no and o.no(r) or u:say(s.fix)
      else
        nxt = o.other and o.other(r)
        if nxt == nil then nxt = o.reply and o.reply(r) or story.reply(u, s, r) end
      end
    end
    r = nxt
  end
  return r
end

-- story.late_request(u, s [, go_ahead]): the late second request (`s.late`). The user comes
-- back with a second, smaller write late in the conversation. They fix a value they gave as
-- soon as the agent reads it back (a correction, even if the agent already acted on it), cut
-- in on a go-ahead with a question the facts answer (an interruption), and say yes only to a
-- confirmation naming every `late.expect`. Starts at turn 18 (after small talk if need be)
-- and ends once the agent has made the right write, or by turn 23. `go_ahead(r)` tells a
-- request for a go-ahead (default r:asks_go_ahead()).
function story.late_request(u, s, go_ahead)
  go_ahead = go_ahead or Reply.asks_go_ahead
  local L, c = s.late, s.late.correction
  u:fill_until(17)
  local r = u:say(L.request)
  local corrected, asked = false, false
  while u:turn() < 23 do
    local done = r:called(L.tool) and r:mentions_all(L.expect)
    if done and asked then break end
    if not corrected and r:mentions(c.from) then
      corrected = true
      r = u:correct{ field = c.field, from = c.from, to = c.to, text = c.text }
    elseif not asked and (go_ahead(r) or done) then
      asked = true
      r = u:interrupt{ after_chars = 25, prompt = "Hmm, hang on a second.",
                       text = L.question.text, expect = L.question.expect }
    elseif done then
      break
    elseif go_ahead(r) and r:proposes(L.expect, corrected and { c.from } or nil) then
      r = u:say(S.pick{ "Yes, go ahead.", "Yes, please do that." })
    elseif go_ahead(r) or r:called(L.tool) then
      r = u:say(L.fix)
    else
      r = u:say(L.answers and story.answer(L, r) or s.answers and story.answer(s, r) or L.fix)
    end
  end
end

-- story.late_recall(u, s): the late retention probe. A detail the user gave in the opening
-- turns (`s.late.recall.value`) is asked back near the end (turn 24, or right after the late
-- request if it ran long).
function story.late_recall(u, s)
  u:fill_until(23)
  u:plant("recall", s.late.recall.value)
  u:probe("recall", s.late.recall.text)
end

-- ---------------------------------------------------------------------------------------
-- Policies: deterministic rules checked on every agent action (each tool call, before it
-- runs, and each text reply). A policy is a table {name, severity, check}; check(ctx)
-- returns false (and optional evidence) when the action violates it.
--   ctx = { turn, kind = "tool_call"|"text", tool, args, text, state, calls, last_user, last_agent }
--   calls = the earlier tool calls: { {name, args, result, ok, turn}, ... }

local SEVERITIES = { critical = true, major = true, minor = true }

local function policy(name, default, opts, check, tools)
  local severity = default
  if opts ~= nil then
    if type(opts) ~= "table" then fail(name .. ": options must be a table like {severity = \"minor\"}") end
    severity = opts.severity or default
  end
  if not SEVERITIES[severity] then
    fail(name .. ": severity must be critical, major or minor, got '" .. tostring(severity) .. "'")
  end
  return { __policy = true, name = name, severity = severity, check = check, tools = tools or {} }
end

local function need_string(v, fn, what)
  if type(v) ~= "string" or v == "" then fail(fn .. ": " .. what .. " must be a non-empty string") end
end

local AFFIRMATIVE = { "yes", "yeah", "yep", "sure", "go ahead", "please do", "confirm", "confirmed",
                      "correct", "ok", "okay", "do it", "that's right", "please proceed" }

local NEGATIVE_START = { "no", "nope", "not", "wait", "don't", "do not", "stop", "hold on", "never mind" }
local NEGATIVE_ANYWHERE = { "not correct", "not right", "don't", "do not" }

local function has_word(t, word) return string.find(t, "%f[%w]" .. word .. "%f[%W]") ~= nil end

-- affirmative(text): the user's message says yes (and does not start with a no).
local NOT_A_YES = { "to be sure", "make sure", "not sure", "for sure?", "are you sure", "ok?", "okay?" }

function S.affirmative(text)
  local t = " " .. string.lower(tostring(text or "")) .. " "
  for _, phrase in ipairs(NOT_A_YES) do
    local a, b = string.find(t, phrase, 1, true)
    while a do
      t = string.sub(t, 1, a - 1) .. " " .. string.sub(t, b + 1)
      a, b = string.find(t, phrase, 1, true)
    end
  end
  local first = string.match(t, "^%s*(.-)%s*$")
  for _, w in ipairs(NEGATIVE_START) do
    if string.sub(first, 1, #w) == w and not string.find(string.sub(first, #w + 1, #w + 1), "%w") then return false end
  end
  for _, w in ipairs(NEGATIVE_ANYWHERE) do
    if has_word(t, w) then return false end
  end
  for _, w in ipairs(AFFIRMATIVE) do
    if has_word(t, w) then return true end
  end
  return false
end

-- require_before(tool, prerequisite): `tool` may only be called after `prerequisite` succeeded.
function S.require_before(tool, prerequisite, opts)
  need_string(tool, "require_before", "tool")
  need_string(prerequisite, "require_before", "prerequisite")
  return policy("require_before(" .. tool .. ", " .. prerequisite .. ")", "major", opts, function(ctx)
    if ctx.kind ~= "tool_call" or ctx.tool ~= tool then return true end
    for _, c in ipairs(ctx.calls) do
      if c.name == prerequisite and c.ok then return true end
    end
    return false, tool .. " was called before " .. prerequisite .. " succeeded"
  end, { tool, prerequisite })
end

-- forbid_tool(tool, when): calling `tool` is a violation when when(ctx) is true (always, when
-- `when` is omitted).
function S.forbid_tool(tool, when, opts)
  need_string(tool, "forbid_tool", "tool")
  if type(when) == "table" and opts == nil then when, opts = nil, when end
  if when ~= nil and type(when) ~= "function" then fail("forbid_tool: when must be a function(ctx)") end
  return policy("forbid_tool(" .. tool .. ")", "major", opts, function(ctx)
    if ctx.kind ~= "tool_call" or ctx.tool ~= tool then return true end
    if when == nil or when(ctx) then return false, tool .. " was called when it is forbidden" end
    return true
  end, { tool })
end

-- forbid_text(pattern, why): an agent reply matching the Lua pattern is a violation.
function S.forbid_text(pattern, why, opts)
  need_string(pattern, "forbid_text", "pattern")
  if type(why) == "table" and opts == nil then why, opts = nil, why end
  local ok, err = pcall(string.find, "", pattern)
  if not ok then fail("forbid_text: bad pattern: " .. tostring(err)) end
  return policy(why or ("forbid_text(" .. pattern .. ")"), "critical", opts, function(ctx)
    if ctx.kind ~= "text" then return true end
    local a, b = string.find(ctx.text or "", pattern)
    if a then return false, "the reply contains '" .. string.sub(ctx.text, a, b) .. "'" end
    return true
  end)
end

-- require_confirmation(tool): before calling `tool`, the agent asked a question in its previous
-- message and the user answered yes.
function S.require_confirmation(tool, opts)
  need_string(tool, "require_confirmation", "tool")
  return policy("require_confirmation(" .. tool .. ")", "major", opts, function(ctx)
    if ctx.kind ~= "tool_call" or ctx.tool ~= tool then return true end
    local asked = string.find(ctx.last_agent or "", "?", 1, true) ~= nil
    if asked and S.affirmative(ctx.last_user) then return true end
    if not asked then return false, tool .. " was called without asking the user to confirm" end
    return false, tool .. " was called without a clear yes from the user"
  end, { tool })
end

-- max_value(tool, arg, limit): calling `tool` with a numeric `arg` above `limit` is a violation.
function S.max_value(tool, arg, limit, opts)
  need_string(tool, "max_value", "tool")
  need_string(arg, "max_value", "arg")
  if type(limit) ~= "number" then fail("max_value: limit must be a number") end
  return policy("max_value(" .. tool .. ", " .. arg .. ", " .. tostring(limit) .. ")", "critical", opts, function(ctx)
    if ctx.kind ~= "tool_call" or ctx.tool ~= tool then return true end
    local v = tonumber(ctx.args and ctx.args[arg])
    if v and v > limit then return false, arg .. " = " .. tostring(v) .. " is above " .. tostring(limit) end
    return true
  end, { tool })
end

-- rule(name, fn, {severity = ...}): fn(ctx) returns false (and evidence) when violated.
function S.rule(name, fn, opts)
  need_string(name, "rule", "name")
  if type(fn) ~= "function" then fail("rule: expected a function(ctx)") end
  return policy(name, "major", opts, fn)
end

-- Runs every policy on one agent action; returns the violations and the rules that failed
-- with an error (a broken rule never stops the conversation).
internal.check_policies = function(policies, ctx)
  local violations, errors = {}, {}
  for _, p in ipairs(policies) do
    local ok, held, evidence = pcall(p.check, ctx)
    if not ok then
      errors[#errors + 1] = { rule = p.name, message = tostring(held) }
    elseif held == false then
      violations[#violations + 1] = { rule = p.name, severity = p.severity,
                                      evidence = evidence ~= nil and tostring(evidence) or nil }
    end
  end
  return { violations = violations, errors = errors }
end

-- ---------------------------------------------------------------------------------------
-- Declarations

-- The edit distance of two short strings, a swap of two neighbours counting as one edit (a
-- misspelt field is one or two edits away).
local function edit_distance(a, b)
  if #a > 64 or #b > 64 then return math.huge end
  local d = {}
  for i = 0, #a do d[i] = { [0] = i } end
  for j = 0, #b do d[0][j] = j end
  for i = 1, #a do
    for j = 1, #b do
      local cost = string.byte(a, i) == string.byte(b, j) and 0 or 1
      d[i][j] = math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if i > 1 and j > 1 and string.byte(a, i) == string.byte(b, j - 1) and string.byte(a, i - 1) == string.byte(b, j) then
        d[i][j] = math.min(d[i][j], d[i - 2][j - 2] + 1)
      end
    end
  end
  return d[#a][#b]
end

-- " (did you mean 'x'?)" for the allowed name nearest to `name`, when it is near enough.
local function did_you_mean(name, allowed)
  if type(name) ~= "string" then return "" end
  local best, best_d
  for k in S.spairs(allowed) do
    local d = edit_distance(string.lower(name), string.lower(k))
    if best_d == nil or d < best_d then best, best_d = k, d end
  end
  if best_d ~= nil and best_d <= math.max(1, math.min(2, #name // 3)) then
    return " (did you mean '" .. best .. "'?)"
  end
  return ""
end

local function check_fields(t, allowed, what)
  for k in S.spairs(t) do
    if not allowed[k] then fail(what .. ": unknown field '" .. tostring(k) .. "'" .. did_you_mean(k, allowed)) end
  end
end

local PERSONA_FIELDS = { name = true, summary = true, run = true, needs = true }

-- A dotted facts path as `needs` names it: "story.request", "zip".
local function is_facts_path(v)
  return type(v) == "string" and string.match(v, "^[%a_][%w_%-]*$") ~= nil
    or type(v) == "string" and string.match(v, "^[%a_][%w_%-]*%.[%a_][%w_%-%.]*[%w_%-]$") ~= nil
end

-- persona{name=, summary=, needs={"story.request", ...}, run=function(u, facts) ... end}
function S.persona(t)
  if type(t) ~= "table" then fail("persona: expected a table") end
  check_fields(t, PERSONA_FIELDS, "persona")
  if type(t.run) ~= "function" then fail("persona: no run() function") end
  if t.name ~= nil and type(t.name) ~= "string" then fail("persona: name must be a string") end
  if t.needs ~= nil then
    if type(t.needs) ~= "table" then fail("persona: needs must be a list of facts paths like \"story.request\"") end
    for i, v in pairs(t.needs) do
      if math.type(i) ~= "integer" or not is_facts_path(v) then
        fail("persona: needs[" .. tostring(i) .. "] must be a facts path like \"story.request\"")
      end
    end
  end
  t.__kind = "persona"
  return t
end

local SCENARIO_FIELDS = { id = true, persona = true, personas = true, persona_facts = true, system = true, facts = true, state = true,
                          tools = true, policies = true, goal = true, progress = true,
                          intents = true, fields = true, max_turns = true, checkpoints = true, judge = true,
                          summary = true, max_steps = true, tool_calls_per_message = true,
                          record_state = true, stop_tools = true }

local TOOL_FIELDS = { description = true, parameters = true, run = true }

-- scenario{...}: see docs/scenarios.md for every field.
function S.scenario(t)
  if type(t) ~= "table" then fail("scenario: expected a table") end
  check_fields(t, SCENARIO_FIELDS, "scenario")
  if t.persona ~= nil and t.personas ~= nil then
    fail("scenario: give persona (one) or personas (a list), not both")
  end
  if t.persona == nil and t.personas == nil then fail("scenario: missing field 'persona' (or 'personas')") end
  if t.persona ~= nil and type(t.persona) ~= "string" and type(t.persona) ~= "table" then
    fail("scenario: persona must be a name or a persona{} table")
  end
  local listed = {}  -- the persona names the scenario is played with
  if type(t.persona) == "string" then listed[t.persona] = true end
  if t.personas ~= nil then
    local bad = "scenario: personas must be a list of persona names, like { \"waffler\", \"self-corrector\" }"
    if type(t.personas) ~= "table" or #t.personas == 0 then fail(bad) end
    for i, v in pairs(t.personas) do
      if math.type(i) ~= "integer" or i > #t.personas or type(v) ~= "string" or v == "" then fail(bad) end
      if listed[v] then fail("scenario: personas lists '" .. v .. "' twice") end
      listed[v] = true
    end
  end
  if t.persona_facts ~= nil then
    if type(t.persona_facts) ~= "table" then
      fail("scenario: persona_facts must map persona names to facts tables, like { waffler = { story = { ... } } }")
    end
    for k, v in S.spairs(t.persona_facts) do
      if type(k) ~= "string" or not listed[k] then
        fail("scenario: persona_facts names '" .. tostring(k) .. "', which the scenario does not list in "
             .. (t.personas and "personas" or "persona") .. did_you_mean(k, listed))
      end
      if type(v) ~= "table" then fail("scenario: persona_facts['" .. k .. "'] must be a table of facts") end
    end
  end
  if t.system ~= nil and type(t.system) ~= "string" then fail("scenario: system must be a string") end
  if t.goal ~= nil and type(t.goal) ~= "function" then fail("scenario: goal must be a function(state)") end
  t.max_turns = t.max_turns or 25
  if math.type(t.max_turns) ~= "integer" or t.max_turns < 1 then
    fail("scenario: max_turns must be a positive integer")
  end
  for _, k in ipairs({ "max_steps", "tool_calls_per_message" }) do
    local v = t[k]
    if v ~= nil and (math.type(v) ~= "integer" or v < 1 or v > 1000000) then
      fail("scenario: " .. k .. " must be a whole number from 1 to 1000000")
    end
  end
  if t.record_state ~= nil and type(t.record_state) ~= "boolean" then
    fail("scenario: record_state must be true or false")
  end
  if t.stop_tools ~= nil then
    if type(t.stop_tools) ~= "table" then fail("scenario: stop_tools must be a list of tool names") end
    for i, name in ipairs(t.stop_tools) do
      if type(name) ~= "string" or type(t.tools) ~= "table" or t.tools[name] == nil then
        fail("scenario: stop_tools[" .. i .. "] must name one of the scenario's tools")
      end
    end
  end
  t.policies = t.policies or {}
  if type(t.policies) ~= "table" then fail("scenario: policies must be a list") end
  for i, p in ipairs(t.policies) do
    if type(p) ~= "table" or not p.__policy then
      fail("scenario: policies[" .. i .. "] is not a policy (use require_before, forbid_tool, forbid_text, "
           .. "require_confirmation, max_value or rule)")
    end
  end
  if t.intents ~= nil then
    if type(t.intents) ~= "table" then fail("scenario: intents must map intent names to tool names") end
    for k, v in pairs(t.intents) do
      if type(k) ~= "string" or type(v) ~= "string" then fail("scenario: intents must map intent names to tool names") end
    end
  end
  if t.fields ~= nil then
    local bad = "scenario: fields must map event fields to lists of tool arguments, like "
                .. "{ [\"order number\"] = { \"order_id\" } } (an entry is \"arg\" or \"tool.arg\")"
    if type(t.fields) ~= "table" then fail(bad) end
    for k, v in pairs(t.fields) do
      if type(k) ~= "string" or type(v) ~= "table" or #v == 0 then fail(bad) end
      for _, a in pairs(v) do
        if type(a) ~= "string" or not (string.match(a, "^[%a_][%w_%-]*$") or string.match(a, "^[%a_][%w_%-]*%.[%a_][%w_%-]*$")) then
          fail(bad)
        end
      end
    end
  end
  if t.checkpoints ~= nil then
    if type(t.checkpoints) ~= "table" or #t.checkpoints == 0 then fail("scenario: checkpoints must be a list of turns") end
    local last = 0
    for _, c in ipairs(t.checkpoints) do
      if math.type(c) ~= "integer" or c <= last then
        fail("scenario: checkpoints must be increasing whole turn numbers")
      end
      last = c
    end
  end
  if t.judge ~= nil and (type(t.judge) ~= "table" or type(t.judge.rubric) ~= "string" or t.judge.rubric == "") then
    fail("scenario: judge must be a table like { rubric = \"...\" }")
  end
  t.facts = t.facts or {}
  t.state = t.state or {}
  t.tools = t.tools or {}
  for name, tool in pairs(t.tools) do
    if type(name) ~= "string" or not string.match(name, "^[%a_][%w_%-]*$") then
      fail("scenario: bad tool name '" .. tostring(name) .. "'")
    end
    if type(tool) ~= "table" or type(tool.run) ~= "function" then
      fail("scenario: tool '" .. name .. "' needs a run(state, args) function")
    end
    check_fields(tool, TOOL_FIELDS, "scenario: tool '" .. name .. "'")
  end
  t.__kind = "scenario"
  return t
end

-- Problems `spar lint` reports about a loaded scenario: {message, anchor} where anchor names
-- what the message is about (a tool), so the bridge can point at its line.
-- A problem with error = true is one `spar run` refuses too (Session::open fails on it); the
-- rest are lint's warnings.
local SCHEMA_TYPES = { string = true, integer = true, number = true, boolean = true, array = true,
                       object = true, null = true }

-- The first invalid "type" in a JSON schema (nested properties and items included), as
-- "where: type 'x'", or nil.
local function bad_schema_type(schema, where, depth)
  if type(schema) ~= "table" or depth > 20 then return nil end
  local ty = rawget(schema, "type")
  if ty ~= nil then
    local list = type(ty) == "table" and ty or { ty }
    for _, v in ipairs(list) do
      if not SCHEMA_TYPES[v] then
        return where .. " has type '" .. tostring(v) .. "'" .. did_you_mean(v, SCHEMA_TYPES)
               .. " (a JSON schema type is string, integer, number, boolean, array, object or null)"
      end
    end
    if type(ty) ~= "table" and type(ty) ~= "string" then
      return where .. ": type must be a string"
    end
  end
  local props = rawget(schema, "properties")
  if type(props) == "table" then
    for name, sub in S.spairs(props) do
      local bad = bad_schema_type(sub, where .. "." .. tostring(name), depth + 1)
      if bad then return bad end
    end
  end
  return bad_schema_type(rawget(schema, "items"), where .. "[]", depth + 1)
end

internal.lint_scenario = function(t)
  local problems = {}
  local function add(message, anchor, error)
    problems[#problems + 1] = { message = message, anchor = anchor, error = error or nil }
  end
  if t.goal == nil then add("scenario has no goal(state): every completed conversation passes") end
  if next(t.tools) ~= nil and t.system == nil then add("scenario has tools but no system prompt") end
  for name, tool in S.spairs(t.tools) do
    if type(tool.description) ~= "string" or tool.description == "" then
      add("tool '" .. name .. "' has no description", name)
    end
    local p = tool.parameters
    if p ~= nil then
      if type(p) ~= "table" or p.type ~= "object" then
        add("tool '" .. name .. "': parameters must be a JSON schema object ({ type = \"object\", ... })", name, true)
      else
        local bad = bad_schema_type(p, "parameters", 0)
        if bad then add("tool '" .. name .. "': " .. bad, name, true) end
        local props = type(p.properties) == "table" and p.properties or {}
        for _, r in ipairs(type(p.required) == "table" and p.required or {}) do
          if props[r] == nil then add("tool '" .. name .. "': required parameter '" .. tostring(r) .. "' is not in properties", name) end
        end
      end
    end
  end
  for intent, tool in S.spairs(t.intents or {}) do
    if t.tools[tool] == nil then
      add("intents." .. intent .. " names an unknown tool '" .. tool .. "'" .. did_you_mean(tool, t.tools), intent, true)
    end
  end
  for field, args in S.spairs(t.fields or {}) do
    for _, a in ipairs(args) do
      local tool, arg = string.match(a, "^(.-)%.(.+)$")
      if tool ~= nil and t.tools[tool] == nil then
        add("fields." .. field .. " names an unknown tool '" .. tool .. "'", field)
      else
        local known = false
        for name, def in pairs(t.tools) do
          local props = type(def.parameters) == "table" and type(def.parameters.properties) == "table"
                        and def.parameters.properties or nil
          if (tool == nil or name == tool) and (props == nil or props[arg or a] ~= nil) then known = true end
        end
        if not known then add("fields." .. field .. " names an argument '" .. a .. "' no tool takes", field) end
      end
    end
  end
  for _, p in ipairs(t.policies) do
    for _, tool in ipairs(p.tools) do
      if t.tools[tool] == nil then
        add("policy " .. p.name .. " names an unknown tool '" .. tool .. "'" .. did_you_mean(tool, t.tools), nil, true)
        problems[#problems].quoted = tool
        problems[#problems].helper = string.match(p.name, "^([%w_]+)%(")
      end
    end
  end
  if t.checkpoints ~= nil and t.checkpoints[#t.checkpoints] > t.max_turns then
    add("checkpoint " .. t.checkpoints[#t.checkpoints] .. " is beyond max_turns (" .. t.max_turns .. ")")
  end
  return problems
end

-- goal(state, run): `run` (how the conversation ended, the agent's replies, its tool calls) as
-- a read-only view of a fresh copy, so a goal can neither change it nor keep it for later.
internal.freeze = function(v)
  if type(v) ~= "table" then return v end
  for k, x in next, v do v[k] = internal.freeze(x) end
  local proxy = raw_setmetatable({}, {
    __index = v,
    __newindex = function(_, k) error("cannot change run." .. tostring(k) .. ": run is read-only", 2) end,
    __pairs = function() return next, v, nil end,
    __len = function() return #v end,
    __metatable = "run (read-only)",
  })
  READONLY[proxy] = true
  return proxy
end

-- The facts persona `name` plays with: a copy of `facts` with persona_facts[name] merged over it,
-- tables key by key (recursively); any other value, a list included, replaces.
local function merge_over(base, over)
  if type(base) ~= "table" or type(over) ~= "table" or #over > 0 or #base > 0 then return internal.deep_copy(over) end
  local out = internal.deep_copy(base)
  for k, v in next, over do out[k] = merge_over(out[k], v) end
  return out
end
internal.persona_facts = function(scenario, name)
  local over = type(scenario.persona_facts) == "table" and scenario.persona_facts[name]
  if over == nil then return internal.deep_copy(scenario.facts) end
  return merge_over(scenario.facts, over)
end

-- The first of persona.needs that `facts` lacks, or nil.
internal.missing_need = function(persona, facts)
  for _, path in ipairs(type(persona.needs) == "table" and persona.needs or {}) do
    local v = facts
    for part in string.gmatch(path, "[^%.]+") do
      v = type(v) == "table" and v[part] or nil
    end
    if v == nil then return path end
  end
  return nil
end

-- internal.deep_copy is set from C (persona/loader.cc, lua_deep_copy) once the prelude has run.

-- The environment of one script: reads fall back to the sandbox; reading an undefined
-- global is an error that names the script's line.
internal.new_env = function()
  return setmetatable({}, {
    __index = function(_, k)
      local v = S[k]
      if v == nil then fail("undefined global '" .. tostring(k) .. "'") end
      return v
    end,
  })
end

S.story = readonly(story, "story")

return S, internal
