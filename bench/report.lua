-- Shared by get.lua and post.lua: each thread's counts, added up at the end
-- and printed as one JSON line for bench/run.py.
threads = {}
good = 0
bad = 0
exhausted = 0

function setup(thread)
  table.insert(threads, thread)
end

-- A response is good when it is what the scenario wants, and bad when it is
-- not a 2xx or 3xx; anything else (a filler request) counts as neither.
function count(status, wanted)
  if wanted then
    good = good + 1
  elseif status < 200 or status >= 400 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  report(threads, summary, latency)
end

function report(threads, summary, latency)
  local totals = {good = 0, bad = 0, exhausted = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + (thread:get(name) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "good": %d, "bad": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "bytes": %d, "exhausted": %d}\n',
    summary.requests, summary.duration, totals.good, totals.bad,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), summary.bytes, totals.exhausted))
end
