// `npm run bench -- backfill [--customers N] [--latency MS] [--rps N] [--stores pglite,postgres]
//   [--endpoint-limit 25] [--sequential-customers N] [--skip sequential,endpoint]`
//
// Backfill against a sandbox in its own process (~32 objects per customer: 6,200 customers ≈ 200,000
// objects), with injected latency and a connector rate budget; the connector runs in a child process
// of its own so its peak RSS is measured alone. Reports budget utilization and completeness per store,
// utilization under a per-endpoint limit against the best achievable each second, and the parallel
// backfill against the SDK's auto-pagination one family after another, on the same (smaller) data.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Stripe from 'stripe';
import { openDb } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { applyStripeObjects } from '../src/store/apply-object.ts';
import type { StripeObject } from '../src/stripe/readers.ts';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const here = import.meta.dirname;

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

interface SandboxInfo {
  apiBase: string;
  host: string;
  port: number;
  secretKey: string;
  counts: Record<string, number>;
  objects: number;
  generateMs: number;
  child: ChildProcess;
}

async function startSandboxProcess(options: Record<string, unknown>): Promise<SandboxInfo> {
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=8192', join(here, 'support/sandbox-process.ts'), JSON.stringify(options)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox process exited with ${code}`)));
  });
  return { ...(JSON.parse(line) as Omit<SandboxInfo, 'child'>), child };
}

interface ConnectorRun {
  result: Record<string, unknown> & {
    complete: boolean;
    budget_utilization: number;
    requests: number;
    elapsed_ms: number;
  };
  stats: { requests: number; rateLimited: number; retries: number };
  endpointRates: Record<string, number>;
  maxRssMB: number;
  /** Peak RSS when the backfill ended, before the accounts recompute. */
  backfillRssMB: number;
  /** Peak RSS so far after each step: loaded, store_opened, backfilled, recomputed. */
  peakRssMBAt: Record<string, number>;
  /** The accounts recompute that follows every backfill (runner and CLI). */
  recompute?: { accounts: number; elapsed_ms: number };
  timeline: {
    t: number;
    byEndpoint: Record<string, { ok: number; limited: number }>;
    active: string[];
    memoryMB: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  }[];
}

function runConnector(args: Record<string, unknown>): Promise<ConnectorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(here, 'support/connector-process.ts'), JSON.stringify(args)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`connector process exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ConnectorRun);
    });
  });
}

async function freshSchema(): Promise<string> {
  return `bench_${randomBytes(4).toString('hex')}`;
}

async function dropSchema(schema: string): Promise<void> {
  const db = await openDb({ databaseUrl: PG_URL });
  await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db.close();
}

async function backfillOn(store: string, sandbox: SandboxInfo, rps: number) {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-bench-'));
  const schema = await freshSchema();
  try {
    const target = store === 'postgres' ? { databaseUrl: PG_URL, schema } : { dataDir: join(dir, 'pg') };
    if (store === 'pglite') {
      // Create the data folder here: PGlite's initdb peaks at ~1.1 GB RSS once, when a folder is
      // first created, and that is not the backfill's memory (reopening one peaks at ~380 MB).
      const init = await openDb({ dataDir: join(dir, 'pg') });
      await migrate(init);
      await init.close();
    }
    return await runConnector({ apiBase: sandbox.apiBase, apiKey: sandbox.secretKey, rps, ...target });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (store === 'postgres') await dropSchema(schema);
  }
}

function summary(run: ConnectorRun) {
  const r = run.result;
  const families = r.families as Record<string, { stored: number; listed: number }>;
  return {
    complete: r.complete,
    objects_stored: Object.values(families).reduce((n, f) => n + f.stored, 0),
    requests: r.requests,
    elapsed_ms: r.elapsed_ms,
    requests_per_second: r.requests_per_second,
    rate_budget_rps: r.rate_budget_rps,
    budget_utilization: r.budget_utilization,
    http_429: run.stats.rateLimited,
    retries: run.stats.retries,
    peak_rss_mb: run.maxRssMB,
    peak_rss_mb_before_recompute: run.backfillRssMB,
    peak_rss_mb_after_step: run.peakRssMBAt,
    recompute: run.recompute,
    // Requests sent in each second of the run: shows whether the budget was idle at the start,
    // in the middle (store-bound) or only in the tail.
    requests_per_second_timeline: run.timeline.map((s) =>
      Object.values(s.byEndpoint).reduce((n, e) => n + e.ok + e.limited, 0),
    ),
    // Every 10 s: where the memory was (MB), to tell a growing heap from memory outside it, and the
    // highest RSS sampled (once a second) in those 10 s.
    memory_timeline_mb: run.timeline
      .filter((_, i) => i % 10 === 9 || i === run.timeline.length - 1)
      .map((s, k, kept) => {
        const window = run.timeline.filter((w) => w.t <= s.t && (k === 0 || w.t > kept[k - 1]!.t));
        return {
          t_s: Math.round(s.t / 1000),
          ...s.memoryMB,
          max_rss: Math.max(...window.map((w) => w.memoryMB.rss)),
        };
      }),
  };
}

/** Σ successful requests / Σ best achievable, per second: min(budget, limit × endpoints with work). */
function endpointLimitedUtilization(run: ConnectorRun, rps: number, limit: number) {
  let useful = 0;
  let best = 0;
  for (const s of run.timeline) {
    const endpoints = new Set([...s.active, ...Object.keys(s.byEndpoint)]);
    useful += Object.values(s.byEndpoint).reduce((n, e) => n + e.ok, 0);
    best += Math.min(rps, limit * endpoints.size);
  }
  return {
    useful_requests: useful,
    best_achievable_requests: Math.round(best),
    utilization_vs_best: Math.round((useful / best) * 1000) / 1000,
  };
}

/** The sequential way: the SDK's auto-pagination, one family after another, applying every 100. */
async function sequential(sandbox: SandboxInfo) {
  const stripe = new Stripe(sandbox.secretKey, {
    host: sandbox.host,
    port: sandbox.port,
    protocol: 'http',
    maxNetworkRetries: 5,
  });
  const schema = await freshSchema();
  const db = await openDb({ databaseUrl: PG_URL, schema });
  await migrate(db);
  await db.query(`INSERT INTO connectors (id, workspace_id) VALUES ('conn_seq', 'default')`);
  const scope = { workspaceId: 'default', connectorId: 'conn_seq' };
  let requests = 0;
  stripe.on('request', () => requests++);
  const started = performance.now();
  let objects = 0;
  const drain = async (iter: AsyncIterable<unknown>, each?: (o: StripeObject) => Promise<void>) => {
    let batch: StripeObject[] = [];
    for await (const o of iter) {
      // The SDK's typed resources parse some integers as BigInt; the store takes plain JSON.
      batch.push(
        JSON.parse(JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))) as StripeObject,
      );
      if (batch.length === 100) {
        await applyStripeObjects(db, scope, batch, { sourceTs: Date.now() });
        objects += batch.length;
        for (const b of batch) await each?.(b);
        batch = [];
      }
    }
    await applyStripeObjects(db, scope, batch, { sourceTs: Date.now() });
    objects += batch.length;
    for (const b of batch) await each?.(b);
  };
  const list = { limit: 100 } as const;
  await drain(stripe.customers.list(list), async (c) => {
    await drain(stripe.customers.listPaymentMethods(c.id, list));
  });
  await drain(stripe.products.list(list));
  await drain(stripe.prices.list(list));
  await drain(stripe.coupons.list(list));
  await drain(stripe.subscriptions.list({ ...list, status: 'all' }), async (s) => {
    const items = s.items as { has_more?: boolean } | undefined;
    if (items?.has_more) await drain(stripe.subscriptionItems.list({ ...list, subscription: s.id }));
  });
  await drain(stripe.invoices.list(list), async (i) => {
    const lines = i.lines as { has_more?: boolean } | undefined;
    if (lines?.has_more) await drain(stripe.invoices.listLineItems(i.id, list));
  });
  await drain(stripe.invoiceItems.list(list));
  await drain(stripe.paymentIntents.list(list));
  await drain(stripe.charges.list(list));
  await drain(stripe.refunds.list(list));
  await drain(stripe.disputes.list(list));
  await drain(stripe.payouts.list(list));
  await drain(stripe.balanceTransactions.list(list));
  await drain(stripe.creditNotes.list(list));
  await drain(stripe.events.list(list));
  const elapsed = performance.now() - started;
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.close();
  return { elapsed_ms: Math.round(elapsed), requests, objects };
}

export default async function (args: string[]) {
  const customers = Number(arg(args, 'customers', '6200'));
  const latencyMs = Number(arg(args, 'latency', '100'));
  const rps = Number(arg(args, 'rps', '100'));
  const stores = arg(args, 'stores', 'pglite,postgres').split(',');
  const endpointLimit = Number(arg(args, 'endpoint-limit', '25'));
  const seqCustomers = Number(arg(args, 'sequential-customers', '300'));
  const skip = arg(args, 'skip', '').split(',');
  const out: Record<string, unknown> = {
    settings: { customers, latencyMs, rps, endpointLimit, seqCustomers },
  };

  const sandbox = await startSandboxProcess({ seed: 1, customers, latencyMs });
  out.sandbox = { objects: sandbox.objects, counts: sandbox.counts, generate_ms: sandbox.generateMs };
  try {
    for (const store of stores) {
      process.stderr.write(`backfill on ${store}…\n`);
      out[`backfill_${store}`] = summary(await backfillOn(store, sandbox, rps));
      process.stderr.write(`${JSON.stringify(out[`backfill_${store}`])}\n`);
    }
    if (!skip.includes('endpoint')) {
      process.stderr.write(`backfill under a ${endpointLimit}/s per-endpoint limit…\n`);
      await fetch(`${sandbox.apiBase}/_sandbox/faults`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${sandbox.secretKey}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: `endpoint_rate_limit=${endpointLimit}`,
      });
      const run = await backfillOn('postgres', sandbox, rps);
      out.endpoint_limited_postgres = {
        ...summary(run),
        ...endpointLimitedUtilization(run, rps, endpointLimit),
        learned_endpoint_rps: run.endpointRates,
      };
      process.stderr.write(`${JSON.stringify(out.endpoint_limited_postgres)}\n`);
    }
  } finally {
    sandbox.child.kill('SIGTERM');
  }

  if (!skip.includes('sequential')) {
    // The sequential way takes (requests × latency): compared on a smaller account, same settings.
    process.stderr.write(`parallel vs sequential on ${seqCustomers} customers…\n`);
    const small = await startSandboxProcess({ seed: 2, customers: seqCustomers, latencyMs });
    try {
      const parallel = summary(await backfillOn('postgres', small, rps));
      // The same account under a budget the store can keep up with on this machine: what the
      // scheduler does with the budget when Stripe, not the store, is the limit.
      const lowRps = Number(arg(args, 'low-rps', '15'));
      out.store_keeps_up_postgres = summary(await backfillOn('postgres', small, lowRps));
      const seq = await sequential(small);
      out.sequential_vs_parallel = {
        objects: small.objects,
        parallel,
        sequential: seq,
        speedup: Math.round(((seq.elapsed_ms as number) / (parallel.elapsed_ms as number)) * 100) / 100,
      };
    } finally {
      small.child.kill('SIGTERM');
    }
  }
  return out;
}
