-- wrk script: cycles through the request paths in the file named by the
-- environment variable LOAD_PATHS, and counts statuses: 2xx, 503 (busy, by
-- design under overload) and any other (a failure).
local paths = {}
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("LOAD_PATHS")) do
    if line ~= "" then table.insert(paths, line) end
  end
  ok, busy, failed = 0, 0, 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1
  elseif status == 503 then busy = busy + 1
  else failed = failed + 1 end
end

function done(summary, latency, requests)
  local o, b, f = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); b = b + t:get("busy"); f = f + t:get("failed")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT req_s=%.0f p50_ms=%.2f p99_ms=%.2f ok=%d busy=%d failed=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, o, b, f, errors))
end
