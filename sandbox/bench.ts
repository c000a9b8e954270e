// Sandbox benchmark: list throughput (limit=100, keep-alive, concurrent clients, same process) and
// generation time and memory for 10,000 customers with a year of history.
import { Agent, request } from 'node:http';
import { startSandbox } from './index.ts';

export async function benchSandbox(
  opts: { customers?: number; seconds?: number; clients?: number } = {},
): Promise<object> {
  const customers = opts.customers ?? 10_000;
  const seconds = opts.seconds ?? 5;
  const clients = opts.clients ?? 8;
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const sb = await startSandbox({ customers, seed: 1 });
  const generationMs = Math.round(performance.now() - started);
  globalThis.gc?.();
  const mem = process.memoryUsage();
  const counts = sb.admin.counts();

  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const url = new URL(`${sb.apiBase}/v1/customers?limit=100`);
  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          agent,
          headers: { Authorization: `Bearer ${sb.secretKey}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
  // Walk the customer list page by page per client, so pages differ and the JSON cache warms as in a backfill.
  const families = ['/v1/customers', '/v1/invoices', '/v1/charges', '/v1/subscriptions?status=all'];
  let done = 0;
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      const path = `${families[i % families.length]}${families[i % families.length]!.includes('?') ? '&' : '?'}limit=100`;
      while (performance.now() < deadline) {
        const status = await get(path);
        if (status === 200) done++;
        else errors++;
      }
    }),
  );
  const elapsed = seconds;
  agent.destroy();
  await sb.close();
  return {
    list_requests_per_second: Math.round(done / elapsed),
    list_errors: errors,
    list_page_size: 100,
    clients,
    generation: {
      customers,
      ms: generationMs,
      heap_used_mb: Math.round(mem.heapUsed / 1e6),
      rss_mb: Math.round(mem.rss / 1e6),
      rss_growth_mb: Math.round((mem.rss - rssBefore) / 1e6),
      counts,
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchSandbox(), null, 2));
}
