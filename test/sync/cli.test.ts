import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index.ts';
import { register, runSync, type SyncFlags, syncJson } from '../../src/cli/commands/sync.ts';
import { ConfigError } from '../../src/config/config.ts';
import { openDb } from '../../src/db/client.ts';
import { FAMILIES } from '../../src/store/families.ts';
import { REVOKED_KEY_MESSAGE } from '../../src/stripe/errors.ts';
import { startTestAccount, type TestAccount } from './account.ts';

/**
 * `atlas-stripe sync` as a user runs it: a real child process on a PGlite data folder, against the
 * sandbox over HTTP. Every failure must exit with the documented code and message and leave what
 * was stored intact; an interrupted sync must resume. A child process costs seconds (Node and
 * PGlite start), so only what needs one (exit codes, signals, printed output) spawns; the runs
 * that only have to store and resume call the same command code in-process.
 */

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
const SECRET = Buffer.alloc(32, 9).toString('hex');
const ENV: NodeJS.ProcessEnv = { ...process.env, ATLAS_SECRET_KEY: SECRET };
for (const k of [
  'ATLAS_DATA_DIR',
  'DATABASE_URL',
  'ATLAS_STRIPE_API_KEY',
  'ATLAS_STRIPE_API_BASE',
  'ATLAS_RATE_LIMIT',
])
  delete ENV[k];

/** The command in this process, reading only the master key from its environment. */
const syncHere = (flags: Omit<SyncFlags, 'workspace'>) =>
  runSync({ workspace: 'default', json: true, ...flags }, { env: { ATLAS_SECRET_KEY: SECRET } });

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
    spawns++;
  });
}

let spawns = 0;

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
    const { rows: apiErrors } = await db.query<{ kind: string; count: number }>(
      'SELECT kind, count FROM connector_api_errors ORDER BY kind',
    );
    // Pages and customers' payment methods committed: what a resume must not ask again.
    const { rows: work } = await db.query<{ committed: number }>(
      `SELECT (SELECT coalesce(sum(pages), 0)::int FROM sync_ranges)
            + (SELECT count(*)::int FROM sync_seen WHERE children_done) AS committed`,
    );
    const { rows: posture } = await db.query<{ accounts: number; paying: number }>(
      `SELECT count(*)::int AS accounts, count(*) FILTER (WHERE mrr_reporting > 0)::int AS paying
       FROM account_posture WHERE connector_id = 'conn_default'`,
    );
    return { counts, runs, apiErrors, committed: work[0]!.committed, posture: posture[0]! };
  } finally {
    await db.close();
  }
}

// Each run is a fresh Node process opening a PGlite folder, and each storeState() opens one too:
// seconds each on a busy machine, so states are read once and reused.
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

  const flagsFor = (dir: string, key = account.sandbox.secretKey) => ({
    apiBase: account.sandbox.apiBase,
    apiKey: key,
    dataDir: dir,
  });

  let synced: string;
  let syncedState: Awaited<ReturnType<typeof storeState>>;
  let fullRequests = 0;
  it('backfills every family, proves it, and recomputes the accounts', async () => {
    synced = newDir();
    const out = syncJson(await syncHere({ ...flagsFor(synced), workers: 1 }));
    expect(out).toMatchObject({ complete: true, resumed: false });
    expect(Object.keys(out.families)).toEqual(
      expect.arrayContaining(['customers', 'payment_methods', 'invoice_line_items']),
    );
    for (const f of Object.values(out.families)) expect(f.stored).toBe(f.listed);
    expect(out.families.customers!.stored).toBe(account.sandbox.admin.counts().customers);
    fullRequests = out.requests;
    // Health shows right after the first sync: every customer's account has stored figures.
    expect(out.recomputed_accounts).toBeGreaterThan(0);
    syncedState = await storeState(synced);
    expect(syncedState.posture.accounts).toBe(out.recomputed_accounts);
    expect(syncedState.posture.paying).toBeGreaterThan(0);
  });

  it('recomputes the synced store again with `recompute`, and refuses an unknown connector or workspace', () => {
    const recompute = (...args: string[]) =>
      spawnSync(process.execPath, [MAIN, 'recompute', '--data-dir', synced, ...args], {
        env: ENV,
        encoding: 'utf8',
      });
    const again = recompute('--json');
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ linked: 0, accounts: syncedState.posture.accounts });
    const noConnector = recompute('--connector', 'conn_nope');
    expect(noConnector.status).toBe(1);
    expect(noConnector.stderr).toContain('No connector "conn_nope" in workspace "default"');
    const noWorkspace = recompute('--workspace', 'nope');
    expect(noWorkspace.status).toBe(1);
    expect(noWorkspace.stderr).toContain('No workspace "nope"');
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
    const { committed } = after;
    expect(committed).toBeGreaterThan(0);

    // The resume is also the check of what `--json` prints: one JSON object, nothing on stderr.
    const resumed = await cli([...base(dir), '--json', '--workers', '1']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const out = json(resumed);
    expect(out).toMatchObject({ complete: true, resumed: true });
    const families = out.families as Record<string, { stored: number; listed: number }>;
    for (const f of Object.values(families)) expect(f.stored).toBe(f.listed);
    for (const k of [
      'requests',
      'elapsed_ms',
      'requests_per_second',
      'rate_budget_rps',
      'budget_utilization',
      'recomputed_accounts',
    ])
      expect(typeof out[k]).toBe('number');
    // Only what was not committed is asked again (one page may have been in flight at the kill).
    expect(out.requests as number).toBeLessThanOrEqual(fullRequests - committed + 1);
    expect((await storeState(dir)).counts).toEqual(syncedState.counts);
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
    expect(syncJson(await syncHere(flagsFor(dir)))).toMatchObject({ complete: true, resumed: true });
  });

  it('exits 1 with the troubleshooting text for a revoked key, storing nothing new', async () => {
    const before = syncedState;
    const key = account.sandbox.admin.createRestrictedKey({ customers: 'read', events: 'read' });
    account.sandbox.admin.revokeKey(key);
    const run = await cli([...base(synced, key), '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(REVOKED_KEY_MESSAGE);
    const after = await storeState(synced);
    expect({ counts: after.counts, runs: after.runs }).toEqual({ counts: before.counts, runs: before.runs });
    // The health page's "API errors by kind" counts it.
    expect(after.apiErrors).toEqual([{ kind: 'authentication', count: 1 }]);
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
    expect(state.apiErrors).toEqual([{ kind: 'permission', count: 1 }]);
  });

  it('answers bad flags with a usage error (exit 2)', async () => {
    // One child proves the exit code of a usage error found once the store is open.
    const noKey = await cli(['--api-base', account.sandbox.apiBase, '--data-dir', newDir()]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--api-key is required');
    // The others are the same kinds of usage error, raised by the parser and the config.
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    register(program);
    await expect(
      program.parseAsync(['sync', '--rate-limit', 'fast', '--data-dir', newDir()], { from: 'user' }),
    ).rejects.toThrow('--rate-limit must be a positive number');
    const badKey = syncHere(flagsFor(newDir(), 'not-a-key'));
    await expect(badKey).rejects.toBeInstanceOf(ConfigError);
    await expect(badKey).rejects.toThrow(/must look like sk_test_/);
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
      expect(state.apiErrors).toEqual([{ kind: 'connection', count: 1 }]);
      // Stripe is back (same account, same address).
      sandbox = await startSandbox({ ...options, port });
      const resumed = await syncHere({ apiBase: sandbox.apiBase, apiKey: sandbox.secretKey, dataDir: dir });
      expect(syncJson(resumed)).toMatchObject({ complete: true, resumed: true });
    } finally {
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Each child process costs seconds: this file must not grow new ones without need.
afterAll(() => {
  expect(spawns).toBeLessThanOrEqual(7);
});
