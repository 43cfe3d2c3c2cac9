-- wrk script for GET scenarios: counts responses by class, prints one JSON line.
-- The request looks like one our TLS proxy passes on (X-Forwarded-Proto).
wrk.headers["X-Forwarded-Proto"] = "https"

local threads = {}
good = 0
bad = 0

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status >= 200 and status < 400 then
    good = good + 1
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local g, b = 0, 0
  for _, thread in ipairs(threads) do
    g = g + thread:get("good")
    b = b + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "good": %d, "bad": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "bytes": %d}\n',
    summary.requests, summary.duration, g, b,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), summary.bytes))
end
