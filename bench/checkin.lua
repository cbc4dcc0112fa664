-- wrk script for bench/checkin.py: POST /api/v1/checkins with a different ticket each time.
--
-- bench/checkin.py fills in the @...@ placeholders and writes the result to its temp dir.
-- Each wrk thread reads the tokens file and takes its own slice of it, so no token is sent
-- twice within a run. It counts what it sent and what came back, non-2xx answers, and the
-- ids in the 2xx answers, and done() prints one line "BENCH_JSON {...}" for the driver.

local TOKENS_FILE = "@TOKENS_FILE@"
local IDS_FILE = "@IDS_FILE@"
local EVENT_ID = @EVENT_ID@
local API_TOKEN = "@API_TOKEN@"
local NTHREADS = @NTHREADS@

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   table.insert(threads, thread)
   counter = counter + 1
end

function init(args)
   tokens = {}
   for line in io.lines(TOKENS_FILE) do
      if #line > 0 then tokens[#tokens + 1] = line end
   end
   per_thread = math.floor(#tokens / NTHREADS)
   first = id * per_thread        -- 0-based index of this thread's first token
   next_index = 0                 -- within this thread's slice
   sent = 0
   responses = 0
   non2xx = 0
   wrapped = 0
   ok_ids = {}
   headers = {
      ["Authorization"] = "Bearer " .. API_TOKEN,
      ["Content-Type"] = "application/json",
   }
end

function request()
   if next_index >= per_thread then
      next_index = 0
      wrapped = wrapped + 1       -- tokens run out: they would be sent again
   end
   local token = tokens[first + next_index + 1]
   next_index = next_index + 1
   sent = sent + 1
   local body = string.format('{"token": "%s", "event_id": %d}', token, EVENT_ID)
   return wrk.format("POST", "/api/v1/checkins", headers, body)
end

function response(status, headers, body)
   responses = responses + 1
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      return
   end
   -- The check-in answers {"registration": {"id": N, ...}}; the baseline answers {"id": N}.
   -- (Keys "checkin_id" and "event_id" do not match '"id":'.)
   local n = string.match(body, '"id":%s*(%d+)')
   ok_ids[#ok_ids + 1] = tonumber(n) or -1
end

function done(summary, latency, requests)
   local t_sent, t_resp, t_non2xx, t_wrapped, slices = 0, 0, 0, 0, {}
   local out = io.open(IDS_FILE, "w")
   for _, thread in ipairs(threads) do
      local s = thread:get("sent")
      t_sent = t_sent + s
      t_resp = t_resp + thread:get("responses")
      t_non2xx = t_non2xx + thread:get("non2xx")
      t_wrapped = t_wrapped + thread:get("wrapped")
      slices[#slices + 1] = string.format('{"first": %d, "sent": %d}', thread:get("first"), s)
      for _, n in ipairs(thread:get("ok_ids")) do
         out:write(n, "\n")
      end
   end
   out:close()
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}, ' ..
      '"sent": %d, "responses": %d, "non2xx": %d, "wrapped": %d, "slices": [%s]}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      t_sent, t_resp, t_non2xx, t_wrapped, table.concat(slices, ", ")))
end
