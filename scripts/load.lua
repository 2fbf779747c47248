-- wrk script: cycles through the request paths in the file named by the
-- environment variable LOAD_PATHS (each request formatted once, up front).
-- With LOAD_STATUSES=split it counts 2xx, 503 (busy, by design under overload)
-- and any other status (a failure) through a response hook; otherwise wrk's
-- own count of non-2xx/3xx responses is the failure count. The hook hands
-- every response body to Lua: on two cores that is load-generator work taken
-- from the server, so the keyword run, whose queue cannot overflow at 64
-- connections, goes without it.
local requests = {}
local counter = 0
local threads = {}
local split = os.getenv("LOAD_STATUSES") == "split"

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("LOAD_PATHS")) do
    if line ~= "" then table.insert(requests, wrk.format("GET", line)) end
  end
  ok, busy, failed = 0, 0, 0
end

function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

if split then
  function response(status, headers, body)
    if status >= 200 and status < 300 then ok = ok + 1
    elseif status == 503 then busy = busy + 1
    else failed = failed + 1 end
  end
end

function done(summary, latency, requests)
  local o, b, f = 0, 0, 0
  if split then
    for _, t in ipairs(threads) do
      o = o + t:get("ok"); b = b + t:get("busy"); f = f + t:get("failed")
    end
  else
    f = summary.errors.status
    o = summary.requests - f
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT req_s=%.0f p50_ms=%.2f p99_ms=%.2f ok=%d busy=%d failed=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, o, b, f, errors))
end
