-- One circuit breaker, the rules of dev.tasktree.store.InMemoryBreakerStore, on the server's clock.
-- KEYS[1] state hash, KEYS[2] window (list of 0/1 for a count window, hash of per-second buckets
-- for a time window).
-- ARGV: op ("acquire" | "record"), timeWindow (0/1), windowSize, minimumCalls, failureRatePercent,
--       consecutiveFailures, cooldownMillis, halfOpenProbes, failure (0/1), probe (0/1), ttlMillis
-- Returns {verdict (0 permit, 1 probe, 2 reject), state (0 closed, 1 open, 2 half-open),
--          previous state or -1, retryAfterMillis}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local op = ARGV[1]
local timeWindow = ARGV[2] == '1'
local size = tonumber(ARGV[3])
local minimumCalls = tonumber(ARGV[4])
local ratePercent = tonumber(ARGV[5])
local consecutiveLimit = tonumber(ARGV[6])
local cooldown = tonumber(ARGV[7])
local probes = tonumber(ARGV[8])
local ttl = tonumber(ARGV[11])

local h = redis.call('HMGET', KEYS[1], 'state', 'consecutive', 'openedAt', 'halfOpenAt', 'issued', 'successes')
local state = tonumber(h[1]) or 0
local consecutive = tonumber(h[2]) or 0
local openedAt = tonumber(h[3]) or 0
local halfOpenAt = tonumber(h[4]) or 0
local issued = tonumber(h[5]) or 0
local successes = tonumber(h[6]) or 0
local before = state

local function save()
  redis.call('HSET', KEYS[1], 'state', state, 'consecutive', consecutive, 'openedAt', openedAt,
    'halfOpenAt', halfOpenAt, 'issued', issued, 'successes', successes)
  redis.call('PEXPIRE', KEYS[1], ttl)
end

local function changed()
  if before == state then return -1 end
  return before
end

local function open()
  state = 1
  openedAt = now
  consecutive = 0
  redis.call('DEL', KEYS[2])
end

if op == 'acquire' then
  if state == 1 then
    local untilAt = openedAt + cooldown
    if now < untilAt then
      return {2, state, -1, untilAt - now}
    end
    state = 2
    halfOpenAt = now
    issued = 0
    successes = 0
  end
  if state == 2 then
    if issued >= probes then
      local stuckUntil = halfOpenAt + cooldown
      if now < stuckUntil then
        save()
        return {2, state, changed(), stuckUntil - now}
      end
      halfOpenAt = now
      issued = 0
      successes = 0
    end
    issued = issued + 1
    save()
    return {1, state, changed(), 0}
  end
  return {0, state, -1, 0}
end

-- record
local failure = ARGV[9] == '1'
local probe = ARGV[10] == '1'
if state == 2 and probe then
  if failure then
    open()
  else
    successes = successes + 1
    if successes >= probes then
      state = 0
      consecutive = 0
      redis.call('DEL', KEYS[2])
    end
  end
elseif state == 0 and not probe then
  local calls, fails
  if timeWindow then
    local second = math.floor(now / 1000)
    redis.call('HINCRBY', KEYS[2], 'c' .. second, 1)
    if failure then redis.call('HINCRBY', KEYS[2], 'f' .. second, 1) end
    redis.call('PEXPIRE', KEYS[2], (size + 1) * 1000)
    calls, fails = 0, 0
    local all = redis.call('HGETALL', KEYS[2])
    local stale = {}
    for i = 1, #all, 2 do
      local field = all[i]
      local s = tonumber(string.sub(field, 2))
      if s <= second - size then
        stale[#stale + 1] = field
      elseif string.sub(field, 1, 1) == 'c' then
        calls = calls + tonumber(all[i + 1])
      else
        fails = fails + tonumber(all[i + 1])
      end
    end
    if #stale > 0 then redis.call('HDEL', KEYS[2], unpack(stale)) end
  else
    local outcome = failure and '1' or '0'
    redis.call('LPUSH', KEYS[2], outcome)
    redis.call('LTRIM', KEYS[2], 0, size - 1)
    redis.call('PEXPIRE', KEYS[2], ttl)
    -- recount from the list: it holds at most windowSize entries
    local items = redis.call('LRANGE', KEYS[2], 0, -1)
    calls, fails = #items, 0
    for i = 1, #items do
      if items[i] == '1' then fails = fails + 1 end
    end
  end
  if failure then consecutive = consecutive + 1 else consecutive = 0 end
  if consecutiveLimit > 0 and consecutive >= consecutiveLimit then
    open()
  elseif ratePercent > 0 and calls >= math.max(1, minimumCalls) and fails * 100 >= ratePercent * calls then
    open()
  end
end
save()
local retryAfter = 0
if state == 1 then retryAfter = math.max(0, openedAt + cooldown - now) end
return {0, state, changed(), retryAfter}
