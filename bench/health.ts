import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { recomputeAll } from '../src/accounts/recompute.ts';
import { type Db, openDb } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { NOW, resetDerived, SCOPE, seed } from './support/health-data.ts';
import { measureEventToHealth } from './support/health-events.ts';

/**
 * `npm run bench -- health [--accounts 100000] [--store pglite|postgres|both] [--database-url URL]
 *   [--data-dir DIR] [--schema NAME] [--repeat N]
 *   [--events-rate 200 --events-seconds 30 --events-accounts 2000]`
 *
 * Full recompute of N accounts (link every customer → new account, then MRR, history, movements,
 * payment status, health for every account). The data set (bench/support/health-data.ts) is
 * generated as Stripe objects and written through applyStripeObjects; only the recompute is timed.
 * `--data-dir` (PGlite) / `--schema` (PostgreSQL) keep the loaded store for the next run.
 * The machine is shared: each run records the load average and this process's CPU time, whose
 * per-account figure is the one to compare across runs (PostgreSQL: plus its backends' CPU, read
 * from /proc when the server is local).
 */

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

/** CPU seconds used so far by the pool's PostgreSQL backends (local server, /proc readable). */
async function backendCpu(db: Db, known: Map<number, number>): Promise<number> {
  const probe = () => db.query<{ p: number }>('SELECT pg_backend_pid() AS p, pg_sleep(0.2)');
  const rows = await Promise.all([probe(), probe(), probe(), probe()]);
  for (const r of rows) known.set(r.rows[0]!.p, 0);
  let total = 0;
  for (const pid of known.keys()) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      known.set(pid, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // a backend the pool closed: its last reading stands
    }
    total += known.get(pid)!;
  }
  return total;
}

async function openBenchStore(
  kind: 'pglite' | 'postgres',
  opts: { databaseUrl: string; dataDir?: string; schema?: string },
): Promise<{ db: Db; dispose: () => Promise<void> }> {
  if (kind === 'pglite') {
    const dir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'atlas-bench-health-'));
    const db = await openDb({ dataDir: dir });
    return {
      db,
      dispose: async () => {
        await db.close();
        if (!opts.dataDir) rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = opts.schema ?? `bench_health_${Date.now()}`;
  const db = await openDb({ databaseUrl: opts.databaseUrl, schema, poolSize: 4 });
  return {
    db,
    dispose: async () => {
      if (!opts.schema) await db.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
      await db.close();
    },
  };
}

async function measure(
  kind: 'pglite' | 'postgres',
  accounts: number,
  opts: { databaseUrl: string; dataDir?: string; schema?: string; repeat: number },
) {
  const { db, dispose } = await openBenchStore(kind, opts);
  try {
    await migrate(db);
    const seedSeconds = await seed(db, accounts);
    const runs = [];
    for (let r = 0; r < opts.repeat; r++) {
      await resetDerived(db);
      const backends = new Map<number, number>();
      const server0 = kind === 'postgres' ? await backendCpu(db, backends) : 0;
      const loadBefore = load();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const result = await recomputeAll(db, { workspaceId: SCOPE.workspaceId, now: NOW });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      // Lower bound: backends the pool opened and closed mid-run are not seen.
      const serverCpu = kind === 'postgres' ? (await backendCpu(db, backends)) - server0 : null;
      process.stderr.write(
        `${kind}: ${accounts} accounts recomputed in ${seconds.toFixed(1)} s (process CPU ${cpuSeconds.toFixed(1)} s, load ${loadBefore[0]})\n`,
      );
      runs.push({
        accounts: result.accounts,
        recompute_seconds: Math.round(seconds * 10) / 10,
        accounts_per_second: Math.round(result.accounts / seconds),
        process_cpu_seconds: Math.round(cpuSeconds * 10) / 10,
        process_cpu_ms_per_account: Math.round((cpuSeconds / result.accounts) * 1e6) / 1e3,
        postgres_backend_cpu_seconds: serverCpu === null ? undefined : Math.round(serverCpu * 10) / 10,
        load_average_before: loadBefore,
        load_average_after: load(),
        by_health: result.byHealth,
      });
    }
    // --repeat 0 only loads (and keeps) the store.
    const best = runs.length > 0 ? Math.min(...runs.map((r) => r.recompute_seconds)) : null;
    return {
      store: kind,
      accounts,
      seed_seconds: Math.round(seedSeconds * 10) / 10,
      runs,
      best_recompute_seconds: best,
      target_seconds: 60,
      within_target: best !== null && best <= 60,
    };
  } finally {
    await dispose();
  }
}

export default async function (args: string[]) {
  const arg = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const accounts = Number(arg('accounts') ?? 100_000);
  const which = arg('store') ?? 'both';
  const opts = {
    databaseUrl: arg('database-url') ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    dataDir: arg('data-dir'),
    schema: arg('schema'),
    repeat: Number(arg('repeat') ?? 1),
  };
  const out = [];
  const eventsRate = arg('events-rate');
  if (eventsRate) {
    // Only the event → health latency (the server in this process, on each store asked for).
    const stores = which === 'both' ? (['pglite', 'postgres'] as const) : [which as 'pglite' | 'postgres'];
    const event_to_health = [];
    for (const store of stores) {
      event_to_health.push(
        await measureEventToHealth({
          accounts: Number(arg('events-accounts') ?? 2_000),
          rate: Number(eventsRate),
          seconds: Number(arg('events-seconds') ?? 30),
          store,
          databaseUrl: opts.databaseUrl,
        }),
      );
    }
    return { event_to_health };
  }
  if (which !== 'postgres') out.push(await measure('pglite', accounts, opts));
  if (which !== 'pglite') out.push(await measure('postgres', accounts, opts));
  return {
    full_recompute: out,
    dataset:
      'generated stripe_* objects (pinned API shape) written through applyStripeObjects; ~10 objects per account plus nested lines and items',
  };
}
