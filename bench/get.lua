-- wrk script for GET scenarios: counts responses by class, prints one JSON line.
-- The request looks like one our TLS proxy passes on (X-Forwarded-Proto).
dofile(os.getenv("BENCH_DIR") .. "/report.lua")
wrk.headers["X-Forwarded-Proto"] = "https"

function response(status, headers, body)
  count(status, status >= 200 and status < 400)
end
