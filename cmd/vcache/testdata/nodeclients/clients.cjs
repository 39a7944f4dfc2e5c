// Runs the same commands through node-redis (RESP2 and RESP3) and
// ioredis against the server at 127.0.0.1:PORT and prints what each
// returned, as JSON: the test compares it with redis-server's output.
const { createClient } = require('redis');
const Redis = require('ioredis');

async function nodeRedis(port, resp, out) {
  const c = createClient({ url: `redis://127.0.0.1:${port}`, RESP: resp });
  c.on('error', e => { console.error(`node-redis RESP${resp}:`, e.message); process.exit(2); });
  await c.connect();
  const p = `nr${resp}:`;
  const rec = (what, v) => out.push([`node-redis RESP${resp} ${what}`, v]);
  rec('set', await c.set(p + 'k', 'v', { EX: 100 }));
  rec('get', await c.get(p + 'k'));
  rec('ttl', await c.ttl(p + 'k'));
  rec('hset', await c.hSet(p + 'h', { a: '1', b: '2' }));
  rec('hgetall', await c.hGetAll(p + 'h'));
  rec('lpush', await c.lPush(p + 'l', ['x', 'y', 'z']));
  rec('lrange', await c.lRange(p + 'l', 0, -1));
  rec('sadd', await c.sAdd(p + 's', ['a', 'b']));
  rec('smembers', (await c.sMembers(p + 's')).sort());
  rec('zadd', await c.zAdd(p + 'z', [{ score: 1.5, value: 'a' }, { score: 2, value: 'b' }]));
  rec('zrange withscores', await c.zRangeWithScores(p + 'z', 0, -1));
  rec('zscore', await c.zScore(p + 'z', 'a'));
  rec('incrbyfloat', await c.incrByFloat(p + 'f', 1.25));
  rec('xadd', typeof (await c.xAdd(p + 'x', '*', { f: 'v' })));
  rec('xlen', await c.xLen(p + 'x'));
  rec('eval', await c.eval("return {redis.call('get', KEYS[1]), 7, 'x'}", { keys: [p + 'k'] }));
  rec('multi', await c.multi().incr(p + 'n').incr(p + 'n').get(p + 'n').exec());
  rec('missing get', await c.get(p + 'missing'));
  rec('wrongtype', await c.lPush(p + 'k', 'x').catch(e => e.message));
  const sub = c.duplicate();
  await sub.connect();
  const got = new Promise(r => sub.subscribe(p + 'ch', msg => r(msg)));
  await new Promise(r => setTimeout(r, 200));
  rec('publish', await c.publish(p + 'ch', 'hello'));
  rec('message', await got);
  await sub.quit();
  await c.quit();
}

async function ioredis(port, out) {
  const c = new Redis(port, '127.0.0.1', { lazyConnect: true });
  await c.connect();
  const rec = (what, v) => out.push([`ioredis ${what}`, v]);
  rec('set', await c.set('io:k', 'v'));
  rec('pipeline', await c.pipeline().incr('io:n').get('io:k').hset('io:h', 'f', 'v').hgetall('io:h').exec());
  rec('mget', await c.mget('io:k', 'io:n', 'io:none'));
  rec('multi', await c.multi().set('{io}a', '1').incr('{io}a').exec());
  const seen = [];
  let cursor = '0';
  do { // a page may hold any share of the keys: scan until the cursor is 0
    const [next, keys] = await c.scan(cursor, 'MATCH', 'io:*', 'COUNT', 1000);
    seen.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  rec('scan', seen.sort());
  rec('evalsha after script load', await c.evalsha(await c.script('LOAD', 'return ARGV[1]'), 0, 'arg'));
  c.disconnect();
}

(async () => {
  const port = +process.argv[2];
  const out = [];
  await nodeRedis(port, 2, out);
  await nodeRedis(port, 3, out);
  await ioredis(port, out);
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
