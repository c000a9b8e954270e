import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { benchSandbox } from '../sandbox/bench.ts';

/**
 * `npm run bench -- sandbox [customers]`: list throughput of the sandbox server in its own process
 * (one Node process = one core), loaded by autocannon from this process, page size 100 for each
 * large family; plus generation time and memory for 10,000 customers (sandbox/bench.ts).
 * The target: ≥ 500 list requests/s of 100 objects, so the sandbox never limits a connector bench.
 */

const FAMILIES = ['customers', 'invoices', 'charges', 'subscriptions?status=all', 'events'];

type Autocannon = (opts: object) => Promise<{
  requests: { average: number };
  throughput: { average: number };
  non2xx: number;
}>;

export default async function run(args: string[]): Promise<unknown> {
  // autocannon ships no types; the fields read are its documented result shape.
  const autocannon = ((await import('autocannon' as string)) as { default: Autocannon }).default;
  const customers = Number(args[0] ?? 2000);
  const main = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');
  const child = spawn(
    process.execPath,
    [main, 'sandbox', '--port', '0', '--customers', String(customers), '--json'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { api_base: apiBase, secret_key: key } = JSON.parse(line) as {
      api_base: string;
      secret_key: string;
    };
    const lists: Record<string, { requests_per_second: number; mb_per_second: number; non2xx: number }> = {};
    for (const family of FAMILIES) {
      const sep = family.includes('?') ? '&' : '?';
      const result = await autocannon({
        url: `${apiBase}/v1/${family}${sep}limit=100`,
        connections: 8,
        duration: 5,
        headers: { authorization: `Bearer ${key}` },
      });
      lists[family] = {
        requests_per_second: Math.round(result.requests.average),
        mb_per_second: Math.round(result.throughput.average / 1e6),
        non2xx: result.non2xx,
      };
    }
    const slowest = Math.min(...Object.values(lists).map((l) => l.requests_per_second));
    const generation = await benchSandbox({ customers: 10_000, seconds: 0 });
    return { customers, lists, slowest_list_requests_per_second: slowest, target: 500, generation };
  } finally {
    child.kill('SIGTERM');
  }
}
