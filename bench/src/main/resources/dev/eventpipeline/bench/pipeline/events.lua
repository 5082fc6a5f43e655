-- wrk script of the pipeline benchmark: POST /events (ITEMS = 1) or POST /bulk/events (ITEMS > 1) of
-- distinct events, against contacts bench-0 .. bench-(CONTACTS-1) created beforehand.
--   wrk -t1 -c256 -d30s -s events.lua http://127.0.0.1:8080 -- TOKEN CONTACTS TAG CREATED_AT ITEMS NAMES
-- The i-th event of a wrk thread goes to contact i % CONTACTS and event name (i / CONTACTS) % NAMES, and
-- its created_at is CREATED_AT plus one second per CONTACTS * NAMES events: every (contact, event name,
-- created_at) differs, so the pipeline must store every accepted event. TAG (one per run) and the thread's
-- index are part of the event name, so runs and threads never repeat each other's events. created_at
-- advances slowly (1,000 contacts x 20 names: one second per 20,000 events), far from the API's limit of
-- 24 hours ahead.

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  contacts = tonumber(args[2])
  tag = args[3]
  base = tonumber(args[4])
  items = tonumber(args[5])
  names = tonumber(args[6])
  counter = 0
  statuses = {}
  -- The request is written out by hand: wrk.format() would walk a headers table for every request, and on
  -- two cores every microsecond wrk spends is taken from the server.
  head = "Host: " .. wrk.host .. (wrk.port and (":" .. wrk.port) or "") .. "\r\nContent-Type: application/json\r\nAuthorization: Bearer " .. token
    .. "\r\nContent-Length: "
end

local function event()
  local i = counter
  counter = counter + 1
  local contact = i % contacts
  local name = math.floor(i / contacts) % names
  local created = base + math.floor(i / (contacts * names))
  return string.format('{"event_name":"bench-%s-t%d-%d","created_at":%d,"user_id":"bench-%d","metadata":{"invite_code":"ADDAFRIEND","load":3.67}}',
    tag, thread_index, name, created, contact)
end

local function post(path, body)
  return "POST " .. path .. " HTTP/1.1\r\n" .. head .. #body .. "\r\n\r\n" .. body
end

function request()
  if items == 1 then
    return post("/events", event())
  end
  local parts = {}
  for k = 1, items do
    parts[k] = '{"method":"post","data_type":"event","data":' .. event() .. '}'
  end
  return post("/bulk/events", '{"items":[' .. table.concat(parts, ",") .. ']}')
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

-- One line the benchmark parses: totals, latency percentiles in microseconds, answers by status.
function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format("%d:%d", status, n))
  end
  io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d"
      .. " connect_errors=%d read_errors=%d write_errors=%d timeouts=%d statuses=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    table.concat(parts, ",")))
end
