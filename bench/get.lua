-- wrk script for GET scenarios: counts responses by class, prints one JSON line.
-- The request looks like one our TLS proxy passes on (X-Forwarded-Proto).
dofile(os.getenv("BENCH_DIR") .. "/report.lua")
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
  report(threads, summary, latency)
end
