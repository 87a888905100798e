// A BullMQ application as people run it on Redis: a producer adds jobs (some delayed, some that fail
// once and are retried, a bulk add), two workers with concurrency process them, and the queue's own
// counts and job states are checked at the end. Exits 0 and prints "ok" only if every job ran to
// completion exactly as often as it should. BullMQ runs almost everything through Lua scripts
// (EVALSHA with cmsgpack-encoded options) and reports events through a stream.
import { Queue, Worker, QueueEvents } from 'bullmq';

const connection = { host: '127.0.0.1', port: Number(process.env.PORT), maxRetriesPerRequest: null };
const name = 'arrakis-test-' + process.pid;
const queue = new Queue(name, { connection });
const events = new QueueEvents(name, { connection });
await events.waitUntilReady();

const total = 300;
const runs = new Map();
let completedEvents = 0;
events.on('completed', () => { completedEvents++; });

const processor = async (job) => {
  runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
  if (job.data.failOnce && job.attemptsMade === 0) throw new Error('first attempt fails');
  return job.data.n * 2;
};
const workers = [1, 2].map(() => new Worker(name, processor, { connection, concurrency: 5 }));

const jobs = [];
for (let n = 0; n < 200; n++) {
  jobs.push(await queue.add('work', { n, failOnce: n % 10 === 0 }, { attempts: 3, backoff: { type: 'fixed', delay: 50 }, delay: n % 25 === 0 ? 200 : 0 }));
}
jobs.push(...await queue.addBulk(Array.from({ length: total - 200 }, (_, i) => ({ name: 'bulk', data: { n: 200 + i } }))));

const deadline = Date.now() + 60000;
while (Date.now() < deadline) {
  const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
  if (counts.completed === total) break;
  if (counts.failed > 0) throw new Error('a job failed for good: ' + JSON.stringify(counts));
  await new Promise((r) => setTimeout(r, 100));
}
const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
if (counts.completed !== total) throw new Error('not all jobs completed: ' + JSON.stringify(counts));
for (const job of jobs) {
  const fresh = await queue.getJob(job.id);
  if (fresh.returnvalue !== job.data.n * 2) throw new Error(`job ${job.id}: return value ${fresh.returnvalue}`);
  const expected = job.data.failOnce ? 2 : 1;
  if (runs.get(job.id) !== expected) throw new Error(`job ${job.id} ran ${runs.get(job.id)} times, expected ${expected}`);
}
await new Promise((r) => setTimeout(r, 300));
if (completedEvents < total) throw new Error(`only ${completedEvents} completed events of ${total}`);
await Promise.all(workers.map((w) => w.close()));
await events.close();
await queue.obliterate({ force: true });
await queue.close();
console.log('ok');
