-- The wrk script of `npm run bench` (bench/city.ts writes the spec it reads; see bench/city-wrk.ts).
--
-- Each request gets a global index k, distinct across wrk threads (and across the wrk processes
-- of one measurement): k = offset + n * slots + slot, n counting this thread's requests. k picks
-- the session, the path and the unique parts of the body and headers:
--   rotate: session k mod #tokens, path k mod #paths (reads);
--   pairs:  session k mod #tokens, path floor(k / #tokens) mod #paths, so each (session, path)
--           pair is used once while k < #tokens * #paths (sign-ups);
--   zip:    path k mod #paths, with the session of the same index (a conversation and its member).
-- A k at or past `limit` (the pairs are used up) is sent to /__bench_exhausted, a 404, so the run
-- fails loudly instead of measuring 409s.
--
-- Every response's status is tallied; done() prints one line the harness parses:
--   BENCH_RESULT {"requests":…,"statuses":{"200":…},"maxK":…,…}

local spec = dofile(os.getenv("BENCH_WRK_SPEC"))
local slot_base = tonumber(os.getenv("BENCH_WRK_SLOT_BASE") or "0")
-- The server this wrk loads: what a browser sends as Origin with a write (cookie sessions).
local origin = os.getenv("BENCH_WRK_ORIGIN")

local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("slot", slot_base + next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

-- Per thread (globals, so that done() can read them with thread:get).
local n = 0
statuses = {}
max_k = -1
sample = nil

local function header_for(token, write)
  local h = {}
  if token ~= nil then
    if spec.auth == "cookie" then
      h["Cookie"] = spec.cookie .. "=" .. token
      if write then
        -- What a browser sends with a write from our own page (see platform/http/csrf.ts).
        h["Origin"] = origin
        h["Sec-Fetch-Site"] = "same-origin"
      end
    else
      h["Authorization"] = "Bearer " .. token
    end
  end
  return h
end

function request()
  local k = spec.offset + n * spec.slots + slot
  n = n + 1
  if k > max_k then max_k = k end
  if spec.limit ~= nil and k >= spec.limit then
    return wrk.format("GET", "/__bench_exhausted")
  end
  local tokens, paths = spec.tokens, spec.paths
  local path, token
  if spec.mode == "pairs" then
    token = tokens[(k % #tokens) + 1]
    path = paths[(math.floor(k / #tokens) % #paths) + 1]
  elseif spec.mode == "zip" then
    local i = (k % #paths) + 1
    path, token = paths[i], tokens[i]
  else
    path = paths[(k % #paths) + 1]
    if tokens ~= nil and #tokens > 0 then token = tokens[(k % #tokens) + 1] end
  end
  local write = spec.method ~= "GET"
  local headers = header_for(token, write)
  local uniq = spec.nonce .. "-" .. k
  local body = nil
  if spec.body ~= nil then
    body = string.gsub(spec.body, "{k}", uniq)
    headers["Content-Type"] = "application/json"
  end
  if spec.idempotencyKey then
    headers["Idempotency-Key"] = "bench-" .. uniq
  end
  return wrk.format(spec.method, path, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 300 and sample == nil then
    sample = string.sub(body or "", 1, 300)
  end
end

-- Threads hand their counters over through thread:get after the run.
function done(summary, latency, requests)
  local total = {}
  local max = -1
  local samples = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if s ~= nil then
      for code, c in pairs(s) do total[code] = (total[code] or 0) + c end
    end
    local m = t:get("max_k")
    if m ~= nil and m > max then max = m end
    local sm = t:get("sample")
    if sm ~= nil then table.insert(samples, sm) end
  end
  local parts = {}
  for code, c in pairs(total) do
    table.insert(parts, string.format('"%d":%d', code, c))
  end
  local function q(s)
    s = string.gsub(s, '[%c"\\]', function(ch) return string.format("\\u%04x", string.byte(ch)) end)
    return '"' .. s .. '"'
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"meanUs":%.1f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"statuses":{%s},"maxK":%d,"sample":%s}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout,
    table.concat(parts, ","), max, samples[1] and q(samples[1]) or "null"))
end
