import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index.ts';
import { openDb } from '../../src/db/client.ts';
import { FAMILIES } from '../../src/store/families.ts';
import { REVOKED_KEY_MESSAGE } from '../../src/stripe/errors.ts';
import { startTestAccount, type TestAccount } from './account.ts';

/**
 * `atlas-stripe sync` as a user runs it: a real child process on a PGlite data folder, against the
 * sandbox over HTTP. Every failure must exit with the documented code and message and leave what
 * was stored intact; an interrupted sync must resume.
 */

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
const ENV: NodeJS.ProcessEnv = { ...process.env, ATLAS_SECRET_KEY: Buffer.alloc(32, 9).toString('hex') };
for (const k of [
  'ATLAS_DATA_DIR',
  'DATABASE_URL',
  'ATLAS_STRIPE_API_KEY',
  'ATLAS_STRIPE_API_BASE',
  'ATLAS_RATE_LIMIT',
])
  delete ENV[k];

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `onProgress` sees each progress line the CLI prints (on stderr, when not --json). */
function cli(
  args: string[],
  options: {
    onSpawn?: (child: ChildProcess) => void;
    onProgress?: (line: string, child: ChildProcess) => void;
  } = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, 'sync', ...args], { env: ENV });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      for (const line of String(d).split('\n'))
        if (line.startsWith('sync:')) options.onProgress?.(line, child);
    });
    options.onSpawn?.(child);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const json = (run: Run) => JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

/** Stops the child once it has committed some objects (progress lines say how many). */
const stopAfter = (objects: number, signal: NodeJS.Signals) => (line: string, child: ChildProcess) => {
  const n = Number(/ (\d+) objects/.exec(line)?.[1] ?? 0);
  if (n >= objects && child.exitCode === null && !child.killed) child.kill(signal);
};

/** Row counts of every Stripe table, and the runs: what "nothing stored is corrupted" compares. */
async function storeState(dataDir: string) {
  const db = await openDb({ dataDir: join(dataDir, 'pg') });
  try {
    const counts: Record<string, number> = {};
    for (const f of FAMILIES) {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${f.table} WHERE NOT deleted`,
      );
      counts[f.family] = rows[0]!.n;
    }
    const { rows: runs } = await db.query<{ status: string; done: number; total: number }>(
      `SELECT s.status, (SELECT count(*)::int FROM sync_ranges r WHERE r.run_id = s.id AND r.done) AS done,
         (SELECT count(*)::int FROM sync_ranges r WHERE r.run_id = s.id) AS total
       FROM sync_runs s ORDER BY s.started_at`,
    );
    return { counts, runs };
  } finally {
    await db.close();
  }
}

// Each run is a fresh Node process opening a PGlite folder: seconds each on a busy machine.
describe('atlas-stripe sync (CLI)', { timeout: 400_000 }, () => {
  let account: TestAccount;
  const dirs: string[] = [];
  const newDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'atlas-sync-'));
    dirs.push(d);
    return d;
  };
  beforeAll(async () => {
    account = await startTestAccount({ customers: 5, latencyMs: 5 });
  });
  afterAll(async () => {
    await account?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const base = (dir: string, key = account.sandbox.secretKey) => [
    '--api-base',
    account.sandbox.apiBase,
    '--api-key',
    key,
    '--data-dir',
    dir,
  ];

  let synced: string;
  let fullRequests = 0;
  it('backfills and prints one JSON result', async () => {
    synced = newDir();
    const run = await cli([...base(synced), '--json', '--workers', '1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = json(run);
    expect(out).toMatchObject({ complete: true, resumed: false });
    const families = out.families as Record<string, { stored: number; listed: number }>;
    expect(Object.keys(families)).toEqual(
      expect.arrayContaining(['customers', 'payment_methods', 'invoice_line_items']),
    );
    for (const f of Object.values(families)) expect(f.stored).toBe(f.listed);
    expect(families.customers!.stored).toBe(account.sandbox.admin.counts().customers);
    for (const k of [
      'requests',
      'elapsed_ms',
      'requests_per_second',
      'rate_budget_rps',
      'budget_utilization',
    ])
      expect(typeof out[k]).toBe('number');
    fullRequests = out.requests as number;
  });

  it('resumes after being killed mid-way (SIGKILL), without re-reading finished ranges', async () => {
    const dir = newDir();
    const killed = await cli([...base(dir), '--rate-limit', '12', '--workers', '1'], {
      onProgress: stopAfter(100, 'SIGKILL'),
    });
    expect(killed.signal).toBe('SIGKILL');
    const after = await storeState(dir);
    expect(after.runs).toHaveLength(1);
    expect(after.runs[0]!.done).toBeGreaterThan(0);
    expect(after.runs[0]!.done).toBeLessThan(after.runs[0]!.total);
    const db = await openDb({ dataDir: join(dir, 'pg') });
    const { rows } = await db.query<{ pages: number; children: number }>(
      `SELECT (SELECT coalesce(sum(pages), 0)::int FROM sync_ranges) AS pages,
              (SELECT count(*)::int FROM sync_seen WHERE children_done) AS children`,
    );
    await db.close();
    const committed = rows[0]!.pages + rows[0]!.children;
    expect(committed).toBeGreaterThan(0);

    const resumed = await cli([...base(dir), '--json', '--workers', '1']);
    expect(resumed.code).toBe(0);
    const out = json(resumed);
    expect(out).toMatchObject({ complete: true, resumed: true });
    // Only what was not committed is asked again (one page may have been in flight at the kill).
    expect(out.requests as number).toBeLessThanOrEqual(fullRequests - committed + 1);
    expect((await storeState(dir)).counts).toEqual((await storeState(synced)).counts);
  });

  it('stops cleanly on Ctrl-C (SIGINT), keeping the checkpoint, and resumes', async () => {
    const dir = newDir();
    const stopped = await cli([...base(dir), '--rate-limit', '12', '--workers', '1'], {
      onProgress: stopAfter(100, 'SIGINT'),
    });
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted.*run sync again to resume/i);
    const state = await storeState(dir);
    expect(state.runs[0]!.status).toBe('interrupted');
    const resumed = await cli([...base(dir), '--json']);
    expect(json(resumed)).toMatchObject({ complete: true, resumed: true });
  });

  it('exits 1 with the troubleshooting text for a revoked key, storing nothing new', async () => {
    const before = await storeState(synced);
    const key = account.sandbox.admin.createRestrictedKey({ customers: 'read', events: 'read' });
    account.sandbox.admin.revokeKey(key);
    const run = await cli([...base(synced, key), '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(REVOKED_KEY_MESSAGE);
    expect(await storeState(synced)).toEqual(before);
  });

  it('exits 1 naming a missing required permission', async () => {
    const dir = newDir();
    const key = account.sandbox.admin.createRestrictedKey({
      customers: 'read',
      subscriptions: 'read',
      invoices: 'read',
      charges: 'read',
      payment_methods: 'read',
    });
    const run = await cli([...base(dir, key), '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Events read (read_only.events)');
    const state = await storeState(dir);
    expect(state.runs.every((r) => r.status === 'failed')).toBe(true);
  });

  it('answers bad flags with a usage error (exit 2)', async () => {
    const dir = newDir();
    const badRate = await cli([...base(dir), '--rate-limit', 'fast']);
    expect(badRate.code).toBe(2);
    expect(badRate.stderr).toContain('--rate-limit must be a positive number');
    const badKey = await cli([...base(dir, 'not-a-key')]);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/must look like sk_test_/);
    const noKey = await cli(['--api-base', account.sandbox.apiBase, '--data-dir', newDir()]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--api-key is required');
  });
});

describe('atlas-stripe sync when Stripe goes away mid-sync', { timeout: 400_000 }, () => {
  it('retries, exits 1 leaving a checkpoint, and the next sync resumes from it', async () => {
    const options = { seed: 11, customers: 10, latencyMs: 20 };
    let sandbox = await startSandbox(options);
    const port = sandbox.port;
    const dir = mkdtempSync(join(tmpdir(), 'atlas-sync-'));
    try {
      const args = ['--api-base', sandbox.apiBase, '--api-key', sandbox.secretKey, '--data-dir', dir];
      let closing: Promise<void> | undefined;
      const run = await cli(
        [...args, '--rate-limit', '10', '--workers', '1', '--max-retries', '2', '--timeout', '1000'],
        {
          onProgress: (line) => {
            if (/ [1-9]\d* objects/.test(line)) closing ??= sandbox.close();
          },
        },
      );
      await closing;
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /Could not reach Stripe at http:\/\/127\.0\.0\.1:\d+ .*after 3 attempts.*resumes/,
      );
      const state = await storeState(dir);
      expect(state.runs[0]!.status).toBe('failed');
      expect(state.runs[0]!.done).toBeGreaterThan(0);
      // Stripe is back (same account, same address).
      sandbox = await startSandbox({ ...options, port });
      const resumed = await cli([...args, '--json']);
      expect(resumed.code).toBe(0);
      expect(json(resumed)).toMatchObject({ complete: true, resumed: true });
    } finally {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
