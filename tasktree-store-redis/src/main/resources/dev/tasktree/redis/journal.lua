-- A run's journal (dev.tasktree.redis.RedisJournal). Every operation is one script, so a reader
-- never sees half of a write and a writer never leaves half of one.
-- KEYS[1] the run's header hash, KEYS[2] the run's checkpoint list, KEYS[3] the resumable zset.
-- ARGV[1] the operation, ARGV[2] the run id, then per operation:
--   begin:  treeName, shapeFingerprint, shapeJson, startedAt (ISO-8601), startedAt (epoch ms)
--           -> 1 new run, 0 the run had a header already (left as it was)
--   append: checkpoint (JSON text)      -> 1 appended, 0 no header, -1 the run ended
--   read:                               -> {} no header, else {h1, v1, ..., '', c1, c2, ...}
--   end:    status, endedAt (ISO-8601), ttlMillis (0 = keep) -> 1 ended, 0 no header
--   delete:                             -> number of keys removed
local header, checkpoints, resumable = KEYS[1], KEYS[2], KEYS[3]
local op, run = ARGV[1], ARGV[2]

if op == 'begin' then
  if redis.call('EXISTS', header) == 1 then
    return 0
  end
  redis.call('HSET', header, 'runId', run, 'treeName', ARGV[3], 'shapeFingerprint', ARGV[4],
    'shapeJson', ARGV[5], 'startedAt', ARGV[6])
  redis.call('ZADD', resumable, tonumber(ARGV[7]), run)
  return 1
end

if op == 'append' then
  local ended = redis.call('HGET', header, 'endStatus')
  if ended then
    return -1
  end
  if redis.call('EXISTS', header) == 0 then
    return 0
  end
  redis.call('RPUSH', checkpoints, ARGV[3])
  return 1
end

if op == 'read' then
  local fields = redis.call('HGETALL', header)
  if #fields == 0 then
    return {}
  end
  fields[#fields + 1] = ''
  local items = redis.call('LRANGE', checkpoints, 0, -1)
  for i = 1, #items do
    fields[#fields + 1] = items[i]
  end
  return fields
end

if op == 'end' then
  if redis.call('EXISTS', header) == 0 then
    redis.call('ZREM', resumable, run)
    return 0
  end
  redis.call('HSET', header, 'endStatus', ARGV[3], 'endedAt', ARGV[4])
  redis.call('ZREM', resumable, run)
  local ttl = tonumber(ARGV[5])
  if ttl > 0 then
    redis.call('PEXPIRE', header, ttl)
    redis.call('PEXPIRE', checkpoints, ttl)
  end
  return 1
end

if op == 'delete' then
  local removed = redis.call('DEL', header, checkpoints)
  redis.call('ZREM', resumable, run)
  return removed
end

return redis.error_reply('unknown journal operation ' .. tostring(op))
