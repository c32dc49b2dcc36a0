-- One shared budget account, the rules of dev.tasktree.store.InMemoryBudgetStore, on the server's
-- clock. KEYS[1] the account's base key; the period's keys are <base>:<period> (hash: spent and
-- reserved amounts), <base>:<period>:leases (zset id -> expiry) and <base>:<period>:held (hash
-- id -> "a,b,c,d").
-- ARGV: op ("reserve" | "settle" | "read"), periodMillis or reservation id, then for reserve:
--   limit x4 (-1 = unlimited), estimate x4, leaseMillis, idSuffix; for settle: actual x4
-- Returns {granted (0/1), reservation id or "", spent x4, reserved x4}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local op = ARGV[1]
local period
if op == 'settle' then
  period = string.match(ARGV[2], '^([^:]+):')
else
  local periodMillis = tonumber(ARGV[2])
  if periodMillis <= 0 then period = 'all' else period = tostring(math.floor(now / periodMillis)) end
end
local base = KEYS[1] .. ':' .. period
local leases = base .. ':leases'
local held = base .. ':held'
local dims = {'in', 'out', 'cost', 'calls'}

local spent, reserved = {}, {}
local raw = redis.call('HMGET', base, 's_in', 's_out', 's_cost', 's_calls', 'r_in', 'r_out', 'r_cost', 'r_calls')
for i = 1, 4 do
  spent[i] = tonumber(raw[i]) or 0
  reserved[i] = tonumber(raw[i + 4]) or 0
end

local function amounts(text)
  local a = {}
  for v in string.gmatch(text, '[^,]+') do a[#a + 1] = tonumber(v) end
  return a
end

-- leases that ran out: their processes died mid-call; charge them at their estimate
local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
for _, id in ipairs(expired) do
  local text = redis.call('HGET', held, id)
  if text then
    local a = amounts(text)
    for i = 1, 4 do
      reserved[i] = reserved[i] - a[i]
      spent[i] = spent[i] + a[i]
    end
    redis.call('HDEL', held, id)
  end
  redis.call('ZREM', leases, id)
end

local function reply(granted, id)
  local out = {granted, id}
  for i = 1, 4 do out[#out + 1] = string.format('%d', spent[i]) end
  for i = 1, 4 do out[#out + 1] = string.format('%d', reserved[i]) end
  return out
end

local function save(ttlMillis)
  for i = 1, 4 do
    redis.call('HSET', base, 's_' .. dims[i], string.format('%d', spent[i]), 'r_' .. dims[i], string.format('%d', reserved[i]))
  end
  if ttlMillis > 0 then
    redis.call('PEXPIRE', base, ttlMillis)
    redis.call('PEXPIRE', leases, ttlMillis)
    redis.call('PEXPIRE', held, ttlMillis)
  end
end

if op == 'read' then
  if #expired > 0 then save(0) end
  return reply(1, '')
end

if op == 'reserve' then
  local periodMillis = tonumber(ARGV[2])
  local lease = tonumber(ARGV[11])
  -- a period's keys outlive the period by a lease, so late settles still find them
  local ttl = 0
  if periodMillis > 0 then ttl = periodMillis + lease + 60000 end
  for i = 1, 4 do
    local limit = tonumber(ARGV[2 + i])
    local est = tonumber(ARGV[6 + i])
    if limit >= 0 and spent[i] + reserved[i] + est > limit then
      if #expired > 0 then save(ttl) end
      return reply(0, '')
    end
  end
  local id = period .. ':' .. ARGV[12]
  local text = {}
  for i = 1, 4 do
    local est = tonumber(ARGV[6 + i])
    reserved[i] = reserved[i] + est
    text[i] = string.format('%d', est)
  end
  redis.call('HSET', held, id, table.concat(text, ','))
  redis.call('ZADD', leases, now + lease, id)
  save(ttl)
  return reply(1, id)
end

-- settle
local id = ARGV[2]
local text = redis.call('HGET', held, id)
if text then
  local a = amounts(text)
  for i = 1, 4 do reserved[i] = reserved[i] - a[i] end
  redis.call('HDEL', held, id)
  redis.call('ZREM', leases, id)
end
for i = 1, 4 do spent[i] = spent[i] + tonumber(ARGV[2 + i]) end
save(0)
return reply(1, '')
