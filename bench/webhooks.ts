import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/config/config.ts';
import { POSTGRES_DEFAULT_WORKERS, startServer } from '../src/server/start-server.ts';

/**
 * `npm run bench -- webhooks [--store pglite|postgres|both] [--duration 10] [--database-url URL]`
 *
 * A running deployment (this process: HTTP, intake, the default workers: 2 on PGlite, 4 on PostgreSQL)
 * and a load generator in a second
 * process (autocannon on loopback, each request a fresh, validly signed event) at fixed rates:
 *   - intake: p50/p99 time to 2xx and the sustained rate, at 500/s (PGlite) and 2,000/s (PostgreSQL);
 *   - processing: event received → object applied, p50/p99, at 200/s.
 * Targets: PGlite p99 ≤ 50 ms at 500/s; PostgreSQL ≥ 2,000/s with p99 ≤ 100 ms; applied p99 ≤ 1 s at 200/s.
 */

const SECRET = 'whsec_benchmark0secret';

interface LoadResult {
  targetRate: number;
  durationS: number;
  requests: number;
  non2xx: number;
  errors: number;
  sustainedPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

// ---- the load generator (second process) ----
async function loadChild(url: string, rate: number, durationS: number): Promise<void> {
  // autocannon ships no types; the fields read below are its documented result shape.
  const mod = (await import('autocannon' as string)) as {
    default: (opts: object) => Promise<{
      requests: { total: number };
      latency: { p50: number; p99: number; max: number };
      non2xx: number;
      errors: number;
      timeouts: number;
      '2xx': number;
    }>;
  };
  const autocannon = mod.default;
  let n = 0;
  const run = randomBytes(4).toString('hex');
  const result = await autocannon({
    url,
    method: 'POST',
    connections: Math.min(100, Math.max(10, Math.ceil(rate / 20))),
    overallRate: rate,
    duration: durationS,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => {
          const i = n++;
          // Each event a different customer: two states of one object in the same second are a
          // tie the worker settles by re-reading Stripe, and there is no Stripe behind this bench.
          const c = i % 100_000;
          const t = Math.floor(Date.now() / 1000);
          const body = JSON.stringify({
            id: `evt_b${run}${i}`,
            object: 'event',
            api_version: '2026-10-28.endive',
            created: t,
            livemode: false,
            pending_webhooks: 1,
            request: { id: null, idempotency_key: null },
            type: 'customer.updated',
            data: {
              object: {
                id: `cus_b${c}`,
                object: 'customer',
                email: `owner${c}@company.test`,
                name: `Company ${c}`,
                balance: 0,
                created: t - 86400,
                currency: 'usd',
                livemode: false,
                metadata: { seq: String(i) },
              },
              previous_attributes: { metadata: { seq: String(i - 1) } },
            },
          });
          const sig = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
          return {
            ...req,
            body,
            headers: { ...(req.headers as object), 'stripe-signature': `t=${t},v1=${sig}` },
          };
        },
      },
    ],
  });
  const out: LoadResult = {
    targetRate: rate,
    durationS,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    sustainedPerS: Math.round(result['2xx'] / durationS),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runLoad(url: string, rate: number, durationS: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [import.meta.filename, '--child', url, String(rate), String(durationS)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!))
        : reject(new Error(`load child exited ${code}`)),
    );
  });
}

// ---- the deployment under test ----
async function measureStore(
  kind: 'pglite' | 'postgres',
  options: { databaseUrl?: string; durationS: number },
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'atlas-bench-'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl =
    kind === 'postgres'
      ? `${options.databaseUrl}${options.databaseUrl!.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`
      : undefined;
  if (kind === 'postgres') {
    const pg = await import('pg');
    const c = new pg.default.Client({ connectionString: options.databaseUrl });
    await c.connect();
    await c.query(`CREATE SCHEMA ${schema}`);
    await c.end();
  }
  const config = resolveConfig(
    {
      dataDir,
      databaseUrl,
      port: 0,
      workers: kind === 'postgres' ? POSTGRES_DEFAULT_WORKERS : 2,
      logLevel: 'silent',
      demo: false,
      stripeApiKey: 'rk_test_benchmark',
      stripeWebhookSecret: SECRET,
    },
    {},
  );
  const server = await startServer(config, {
    command: 'bench webhooks',
    webhookSettings: { catchUpIntervalMs: 0 },
  });
  const url = `${server.url}/webhooks/stripe/conn_default`;
  const drained = async () => {
    for (;;) {
      const { rows } = await server.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_inbox WHERE status IN ('pending', 'failed')`,
      );
      if (rows[0]!.n === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const lag = async (since: Date) => {
    const { rows } = await server.db.query<{ p50: number; p99: number; n: number }>(
      `SELECT count(*)::int AS n,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM processed_at - received_at)) * 1000 AS p50,
         percentile_cont(0.99) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM processed_at - received_at)) * 1000 AS p99
       FROM webhook_inbox WHERE received_at >= $1`,
      [since.toISOString()],
    );
    return {
      events: rows[0]!.n,
      p50Ms: Math.round(Number(rows[0]!.p50)),
      p99Ms: Math.round(Number(rows[0]!.p99)),
    };
  };
  try {
    await runLoad(url, 50, 2); // warm-up: JIT, connections, caches
    await drained();
    const intakeRate = kind === 'pglite' ? 500 : 2000;
    const intake = await runLoad(url, intakeRate, options.durationS);
    await drained();
    const since = new Date();
    const processing = await runLoad(url, 200, options.durationS);
    await drained();
    return {
      store: kind,
      intake,
      processingAt200: { load: processing, receivedToApplied: await lag(since) },
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (kind === 'postgres') {
      const pg = await import('pg');
      const c = new pg.default.Client({ connectionString: options.databaseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    }
  }
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

export default async function webhooksBench(args: string[]): Promise<unknown> {
  const store = flag(args, 'store') ?? 'both';
  const durationS = Number(flag(args, 'duration') ?? 10);
  const databaseUrl =
    flag(args, 'database-url') ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const results: unknown[] = [];
  if (store === 'pglite' || store === 'both') results.push(await measureStore('pglite', { durationS }));
  if (store === 'postgres' || store === 'both')
    results.push(await measureStore('postgres', { databaseUrl, durationS }));
  return {
    targets: {
      pglite: 'p99 ≤ 50 ms at 500 events/s',
      postgres: '≥ 2,000 events/s with p99 ≤ 100 ms',
      processing: 'received → applied p99 ≤ 1 s at 200 events/s',
    },
    results,
  };
}

if (import.meta.main && process.argv[2] === '--child') {
  await loadChild(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
}
