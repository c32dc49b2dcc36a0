-- One token bucket, the rules of dev.tasktree.store.InMemoryLimiterStore, on the server's clock.
-- KEYS[1] bucket hash {tokens, stamp, pausedUntil}
-- ARGV: op ("acquire" | "adjust" | "pause"), permitsPerPeriod, periodMillis, burst, amount,
--       maxWaitMillis
-- acquire returns the wait in ms (>= 0, tokens taken) or minus the needed wait (nothing taken).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local op = ARGV[1]
local rate = tonumber(ARGV[2]) / tonumber(ARGV[3])
local burst = tonumber(ARGV[4])
local amount = tonumber(ARGV[5])

local h = redis.call('HMGET', KEYS[1], 'tokens', 'stamp', 'pausedUntil')
local tokens = tonumber(h[1]) or burst
local stamp = tonumber(h[2]) or now
local pausedUntil = tonumber(h[3]) or 0
if now > stamp then
  tokens = math.min(burst, tokens + (now - stamp) * rate)
  stamp = now
end

local function save()
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', stamp, 'pausedUntil', pausedUntil)
  -- an idle bucket refills completely within burst / rate; after that it may as well vanish
  local idle = math.ceil((burst - math.min(tokens, 0) + 1) / rate) + math.max(0, pausedUntil - now)
  redis.call('PEXPIRE', KEYS[1], math.max(1000, idle + 1000))
end

if op == 'acquire' then
  local wait = math.max(0, pausedUntil - now)
  if tokens < amount then
    wait = math.max(wait, math.ceil((amount - tokens) / rate))
  end
  if wait > tonumber(ARGV[6]) then
    save()
    return -math.max(1, wait)
  end
  tokens = tokens - amount
  save()
  return wait
elseif op == 'adjust' then
  tokens = math.min(burst, tokens - amount)
  save()
  return 0
else
  pausedUntil = math.max(pausedUntil, now + amount)
  save()
  return 0
end
