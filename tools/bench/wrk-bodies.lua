-- wrk script for scripts/bench: POSTs, in a cycle, the request bodies of one recorded chat-25
-- conversation (one JSON body per line of the file named by the BODIES environment variable),
-- with the headers spar sends. Each connection walks the 25 turns in order.
local bodies = {}
for line in io.lines(os.getenv("BODIES")) do
  if #line > 0 then bodies[#bodies + 1] = line end
end
local requests = {}
local accept = os.getenv("ACCEPT") or "application/json"
for i, b in ipairs(bodies) do
  requests[i] = wrk.format("POST", "/v1/chat/completions",
                           { ["Content-Type"] = "application/json", ["Accept"] = accept }, b)
end
local i = 0
request = function()
  i = i % #requests + 1
  return requests[i]
end
local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end
