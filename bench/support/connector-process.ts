// The connector side of the backfill benchmark, in its own process so its peak RSS is its own:
// opens the store, saves the headless connector, backfills, and prints one JSON line with the
// result, the peak RSS and a per-second timeline (requests per endpoint, endpoints with work).
//
//   node bench/support/connector-process.ts '{"apiBase":…,"apiKey":…,"rps":100,"dataDir"|"databaseUrl"…}'

import { readFileSync } from 'node:fs';
import { saveConnector } from '../../src/connector/connectors.ts';
import { createVault } from '../../src/connector/vault.ts';
import { openDb } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createStripeClient } from '../../src/stripe/client.ts';
import { recomputeAfterSync } from '../../src/sync/after-run.ts';
import { backfill } from '../../src/sync/backfill.ts';
import type { SyncProgress } from '../../src/sync/progress.ts';

interface Args {
  apiBase: string;
  apiKey: string;
  rps: number;
  dataDir?: string;
  databaseUrl?: string;
  schema?: string;
  workers?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
/**
 * This process's peak RSS so far, in MB: VmHWM, the high-water mark of its own memory map. Not
 * `process.resourceUsage().maxRSS`: Linux carries the parent's RSS at spawn into a child's maxrss,
 * so a child of a 600 MB process reports 600 MB while using 42 MB (measured), and the bench parent
 * had just opened PGlite.
 */
function peakRssMB(): number {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Math.round(Number(kb) / 1024);
  } catch {
    // not Linux: fall back below
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
// Peak RSS so far (MB) at each step, to place a peak that falls between the 1 s samples.
const peakAt: Record<string, number> = {};
const markPeak = (step: string) => {
  peakAt[step] = peakRssMB();
};
markPeak('loaded');
const db = await openDb(
  args.databaseUrl
    ? { databaseUrl: args.databaseUrl, schema: args.schema, poolSize: 20 }
    : { dataDir: args.dataDir },
);
await migrate(db);
markPeak('store_opened');
const vault = createVault(Buffer.alloc(32, 7));
const connector = await saveConnector(db, vault, {
  id: 'conn_default',
  workspaceId: 'default',
  apiKey: args.apiKey,
  apiBase: args.apiBase,
  rateLimitRps: args.rps,
});
const client = createStripeClient({
  apiKey: args.apiKey,
  apiBase: args.apiBase,
  rateLimitRps: args.rps,
  connectorId: connector.id,
});

// Once a second: requests sent per endpoint (429s apart), which endpoints still had work, and
// where the memory is (MB): RSS, V8's heap (used and reserved), and memory outside it.
const timeline: {
  t: number;
  byEndpoint: Record<string, { ok: number; limited: number }>;
  active: string[];
  memoryMB: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
}[] = [];
const mb = (n: number) => Math.round(n / 1048576);
let last = client.stats.snapshot();
let latest: SyncProgress | null = null;
const started = performance.now();
const sampler = setInterval(() => {
  const now = client.stats.snapshot();
  const byEndpoint: Record<string, { ok: number; limited: number }> = {};
  for (const [ep, s] of Object.entries(now.byEndpoint)) {
    const before = last.byEndpoint[ep] ?? { requests: 0, errors: 0 };
    const sent = s.requests - before.requests;
    const failed = s.errors - before.errors;
    if (sent > 0) byEndpoint[ep] = { ok: sent - failed, limited: failed };
  }
  timeline.push({
    t: Math.round(performance.now() - started),
    byEndpoint,
    active: latest?.activeEndpoints ?? [],
    memoryMB: (({ rss, heapUsed, heapTotal, external, arrayBuffers }) => ({
      rss: mb(rss),
      heapUsed: mb(heapUsed),
      heapTotal: mb(heapTotal),
      external: mb(external),
      arrayBuffers: mb(arrayBuffers),
    }))(process.memoryUsage()),
  });
  last = now;
}, 1000);

const result = await backfill({
  db,
  client,
  scope: { workspaceId: 'default', connectorId: connector.id },
  workers: args.workers,
  onProgress: (p) => {
    latest = p;
  },
});
clearInterval(sampler);
markPeak('backfilled');
// The peak so far is the backfill's own; the one at exit also covers the accounts recompute.
const backfillRssMB = peakAt.backfilled!;
// The step the runner and the CLI take after every backfill: its cost belongs to "first sync".
const recomputeStarted = performance.now();
const recompute = await recomputeAfterSync(db, { workspaceId: 'default', connectorId: connector.id });
const recomputeMs = Math.round(performance.now() - recomputeStarted);
markPeak('recomputed');
await db.close();
process.stdout.write(
  `${JSON.stringify({
    result,
    recompute: { accounts: recompute.accounts, elapsed_ms: recomputeMs },
    stats: client.stats.snapshot(),
    endpointRates: client.endpointLimits.rates(),
    maxRssMB: peakAt.recomputed,
    backfillRssMB,
    peakRssMBAt: peakAt,
    timeline,
  })}\n`,
  // A pipe takes large writes asynchronously: exiting before the callback cut a 1M-object run's
  // line (its per-second timeline) at 146 KB.
  () => process.exit(0),
);
