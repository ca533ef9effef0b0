package luagroup

// Script is the Lua source that applies one encoded atomic group. It reads
// ARGV with a cursor: the type checks, the increment checks, then the ops
// (see Encode). It runs every check before it writes anything and returns
// an error reply (WRONGTYPE ..., ERR value is not an integer or out of
// range, ERR increment or decrement would overflow) when one fails. Redis'
// Lua numbers are doubles, so integers are checked on their decimal text
// and added in two parts below 2^53, never as one double.
const Script = `
local pos = 1
local function nxt() local v = ARGV[pos]; pos = pos + 1; return v end
local function num() return tonumber(nxt()) end
` + luaIntChecks + `
local function keytype(k)
  local t = redis.call('TYPE', k)
  if type(t) == 'table' then t = t.ok or t['ok'] end
  return t
end

local nt = num()
for _ = 1, nt do
  local k, want = KEYS[num()], nxt()
  local t = keytype(k)
  if t ~= 'none' and t ~= want then
    return redis.error_reply('WRONGTYPE Operation against a key holding the wrong kind of value')
  end
end

local ni = num()
for _ = 1, ni do
  local k, hash, field, delta = KEYS[num()], nxt(), nxt(), nxt()
  local v
  if hash == '1' then v = redis.call('HGET', k, field) else v = redis.call('GET', k) end
  if v then
    if not strict(v) then return redis.error_reply('ERR value is not an integer or out of range') end
    if overflows(v, delta) then return redis.error_reply('ERR increment or decrement would overflow') end
  end
end

local function chunked(cmd, k, n)
  local args = {}
  for i = 1, n do
    args[#args + 1] = nxt()
    if #args == 1000 or i == n then redis.call(cmd, k, unpack(args)); args = {} end
  end
end

local out = {}
local no = num()
for _ = 1, no do
  local code, k = nxt(), KEYS[num()]
  if code == 'set' then
    local ms, v = nxt(), nxt()
    if ms == '0' then redis.call('SET', k, v) else redis.call('SET', k, v, 'PX', ms) end
  elseif code == 'del' then redis.call('DEL', k)
  elseif code == 'pexpire' then redis.call('PEXPIRE', k, nxt())
  elseif code == 'pexpirenx' then redis.call('PEXPIRE', k, nxt(), 'NX')
  elseif code == 'pexpiregt' then redis.call('PEXPIRE', k, nxt(), 'GT')
  elseif code == 'persist' then redis.call('PERSIST', k)
  elseif code == 'incrby' then
    redis.call('INCRBY', k, nxt())
    out[#out + 1] = redis.call('GET', k)
  elseif code == 'hincrby' then
    local f = nxt()
    redis.call('HINCRBY', k, f, nxt())
    out[#out + 1] = redis.call('HGET', k, f)
  elseif code == 'hgetall' then
    local r = redis.call('HGETALL', k)
    out[#out + 1] = tostring(#r / 2)
    for i = 1, #r do out[#out + 1] = r[i] end
  elseif code == 'ltrim' then redis.call('LTRIM', k, nxt(), nxt())
  elseif code == 'lpop' then
    local r = redis.call('LPOP', k, nxt())
    if not r then r = {} end
    out[#out + 1] = tostring(#r)
    for i = 1, #r do out[#out + 1] = r[i] end
  elseif code == 'zadd' then
    local flag, n, args = nxt(), num(), {}
    for i = 1, n do
      args[#args + 1] = nxt()
      if #args == 1000 or i == n then
        if flag == '' then redis.call('ZADD', k, unpack(args)) else redis.call('ZADD', k, flag, unpack(args)) end
        args = {}
      end
    end
  else chunked(string.upper(code), k, num())
  end
end
return out
`
