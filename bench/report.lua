-- Shared by get.lua and post.lua: add up every thread's counts and print the
-- run's figures as one JSON line for bench/run.py.
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
