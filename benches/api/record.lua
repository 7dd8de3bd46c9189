-- wrk: POST record_inspection with a fresh inspection id per request: one unit with
-- ten measurements, the same work as pgbench's record_inspection.sql.
-- LOT and CHARS come from the environment (set by bench.py).
local lot = os.getenv("LOT")
local chars = {}
for id in string.gmatch(os.getenv("CHARS"), "[^,]+") do chars[#chars + 1] = id end
local pace_ms = tonumber(os.getenv("PACE_MS") or "0")

local function uuid4()
  local t = {}
  for i = 1, 16 do t[i] = math.random(0, 255) end
  t[7] = t[7] % 16 + 64
  t[9] = t[9] % 64 + 128
  return string.format("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
    t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13], t[14], t[15], t[16])
end

-- Each wrk run and each of its threads needs its own ids: bench.py passes a fresh
-- SEED per run, and every thread offsets it.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", tonumber(os.getenv("SEED") or "1") + threads * 7919)
end

function init(args)
  math.randomseed(seed or os.time())
  wrk.method = "POST"
  wrk.path = "/api/v1/lots/" .. lot .. "/inspections"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end

function delay()
  return pace_ms
end

function request()
  local m = {}
  for i, id in ipairs(chars) do
    m[i] = string.format('{"characteristic_id":"%s","value":%.3f}', id, 12 + math.random() / 10)
  end
  -- Full inspections: every request goes to the same lot, which takes one original
  -- sampling inspection per characteristic and source but any number of full ones.
  local body = string.format(
    '{"id":"%s","source":"factory","mode":"full","inspector":"bench","inspected_at":"2026-11-20T09:15:00Z","units":[{"unit":1,"serial":"B-1","measurements":[%s]}]}',
    uuid4(), table.concat(m, ","))
  return wrk.format(nil, nil, nil, body)
end

local reported = false
function response(status, headers, body)
  if status ~= 201 and not reported then
    reported = true
    print("unexpected status " .. status .. ": " .. string.sub(body, 1, 200))
  end
end
