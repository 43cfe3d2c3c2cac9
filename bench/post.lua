-- wrk script for call-back submissions: every request a new, valid form.
-- Each thread reads its own share of the prepared lines (form token and
-- phone number), so no form is ever sent twice. Set by the runner:
-- BENCH_FORMS (file), BENCH_THREADS, BENCH_CSRF, BENCH_ORIGIN.
dofile(os.getenv("BENCH_DIR") .. "/report.lua")
local forms_file = os.getenv("BENCH_FORMS")
local nthreads = tonumber(os.getenv("BENCH_THREADS"))
local csrf = os.getenv("BENCH_CSRF")
local origin = os.getenv("BENCH_ORIGIN")

local next_id = 0
sent = 0

function setup(thread)  -- report.lua's, plus a number for each thread
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local lines = {}

function init(args)
  local n = 0
  for line in io.lines(forms_file) do
    if n % nthreads == id then
      table.insert(lines, line)
    end
    n = n + 1
  end
end

local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["X-Forwarded-Proto"] = "https",
  ["Origin"] = origin,
  ["Cookie"] = "__Host-csrftoken=" .. csrf,
}

function request()
  sent = sent + 1
  local line = lines[sent]
  if line == nil then
    -- More requests than prepared forms: ask for something harmless instead.
    exhausted = exhausted + 1
    return wrk.format("GET", "/health/live/")
  end
  local token, phone = line:match("^(%S+) (%S+)$")
  local body = "csrfmiddlewaretoken=" .. csrf .. "&form_token=" .. token ..
    "&first_name=Bench&phone=" .. phone .. "&who_for=myself&best_time=any" ..
    "&voicemail_ok=no&message=&source_path=&website="
  return wrk.format("POST", "/call-back/", headers, body)
end

function response(status, headers, body)
  count(status, status == 303)  -- 303: the form was accepted
end
