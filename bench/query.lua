-- bench/query.lua: wrk script for bench/query.  Cycles through the benchmark's questions
-- as GET /search?limit=N&q=<URL-encoded question>, each wrk thread starting at its own
-- place in the list so concurrent clients do not ask the same question at once.
--   SOU_BENCH_QUESTIONS  file of "QID<TAB>QUESTION" lines (required)
--   SOU_BENCH_LIMIT      hits per answer (default 10)
-- wrk counts answers other than 2xx/3xx itself ("Non-2xx or 3xx responses").

local threads = 0

function setup(thread)
   thread:set("thread_no", threads)
   threads = threads + 1
end

local function urlencode(s)
   return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local paths = {}
local next_path = 1

function init(args)
   local file = os.getenv("SOU_BENCH_QUESTIONS")
   if not file then
      error("bench/query.lua: set SOU_BENCH_QUESTIONS to the questions file")
   end
   local limit = os.getenv("SOU_BENCH_LIMIT") or "10"
   for line in io.lines(file) do
      local q = line:match("^[^\t]*\t(.-)\r?$")
      if q and #q > 0 then
         paths[#paths + 1] = "/search?limit=" .. limit .. "&q=" .. urlencode(q)
      end
   end
   if #paths == 0 then
      error("bench/query.lua: no questions in " .. file)
   end
   next_path = ((thread_no or 0) * 499) % #paths + 1
end

function request()
   local p = paths[next_path]
   next_path = next_path % #paths + 1
   return wrk.format("GET", p)
end
