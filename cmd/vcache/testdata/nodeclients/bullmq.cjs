// A BullMQ queue and worker (Lua scripts with cmsgpack and cjson, streams,
// blocking pops on a marker) against 127.0.0.1:PORT with key prefix PREFIX:
// prints the finished jobs' count and results and the queue's counts.
const { Queue, Worker } = require('bullmq');

(async () => {
  const port = +process.argv[2], prefix = process.argv[3];
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const q = new Queue('jobs', { connection, prefix });
  const w = new Worker('jobs', async job => {
    if (job.data.x === 7 && job.attemptsMade === 0) throw new Error('first attempt fails');
    return job.data.x * 2;
  }, { connection, prefix, concurrency: 4 });
  w.on('error', e => console.error('worker:', e.message));
  const N = 50, results = [];
  let retried = 0;
  w.on('failed', () => retried++);
  const finished = new Promise(res => w.on('completed', (job, rv) => {
    results.push(rv);
    if (results.length === N + 1) res();
  }));
  for (let i = 0; i < N; i++) await q.add('double', { x: i }, { attempts: 2 });
  await q.add('later', { x: 1000 }, { delay: 300 });
  const timer = setTimeout(() => { console.error('timed out with', results.length, 'jobs done'); process.exit(3); }, 30000);
  await finished;
  clearTimeout(timer);
  const counts = await q.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
  console.log(JSON.stringify({ done: results.length, sum: results.reduce((a, b) => a + b, 0), retried, counts }));
  await w.close();
  await q.close();
})().catch(e => { console.error(e); process.exit(1); });
