import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { getApiKey, saveConnector } from '../../connector/connectors.ts';
import { createStripeClient } from '../../stripe/client.ts';
import { recomputeAfterSync, recordSyncFailure } from '../../sync/after-run.ts';
import { type BackfillResult, backfill, SyncStoppedError } from '../../sync/backfill.ts';
import type { SyncProgress } from '../../sync/progress.ts';
import { STORE_FLAGS, withStore } from '../context.ts';
import { exitWithError, nonNegativeInteger, positiveNumber } from '../errors.ts';

/**
 * `atlas-stripe sync`: saves the headless connector (conn_default, the one `serve --stripe-api-key`
 * sets up) and backfills it. Ctrl-C stops cleanly; running it again resumes from the checkpoints.
 */

export interface SyncFlags {
  dataDir?: string;
  databaseUrl?: string;
  apiBase?: string;
  apiKey?: string;
  rateLimit?: number;
  workspace: string;
  json?: boolean;
  workers?: number;
  maxRetries?: number;
  timeout?: number;
}

export const HEADLESS_CONNECTOR_ID = 'conn_default';

function connectorIdFor(workspace: string): string {
  return workspace === 'default' ? HEADLESS_CONNECTOR_ID : `conn_default_${workspace}`;
}

export function register(program: Command): void {
  const cmd = program
    .command('sync')
    .description('Backfill every Stripe object family into the store (resumes an unfinished sync)');
  for (const [flag, help] of STORE_FLAGS) cmd.option(flag, help);
  cmd
    .option(
      '--api-base <url>',
      'Stripe API base, e.g. the sandbox http://127.0.0.1:54321 (or ATLAS_STRIPE_API_BASE)',
    )
    .option('--api-key <key>', 'restricted or secret key (or ATLAS_STRIPE_API_KEY); default: the saved one')
    .option(
      '--rate-limit <rps>',
      'requests/second to spend (default 90% of the key mode’s limit)',
      positiveNumber('--rate-limit'),
    )
    .option('--workspace <id>', 'workspace of the connector', 'default')
    .option(
      '--workers <n>',
      'concurrent requests (default from the rate limit)',
      nonNegativeInteger('--workers'),
    )
    .option('--max-retries <n>', 'retries per request before giving up', nonNegativeInteger('--max-retries'))
    .option('--timeout <ms>', 'per-request timeout in ms', positiveNumber('--timeout'))
    .option('--json', 'print one JSON object with the result')
    .action(async (flags: SyncFlags) => {
      const controller = new AbortController();
      const onSigint = () => controller.abort(new Error('Interrupted (Ctrl-C)'));
      process.once('SIGINT', onSigint);
      try {
        const result = await runSync(flags, { signal: controller.signal });
        printResult(result, flags.json === true);
      } catch (error) {
        if (error instanceof SyncStoppedError) {
          process.stderr.write(`${error.message}\n`);
          process.exit(130);
        }
        exitWithError(error);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      // An abandoned keep-alive socket must not hold the process open after the answer.
      process.exit(0);
    });
}

export type SyncCommandResult = BackfillResult & { recomputedAccounts: number };

/**
 * The command without the process around it (no signals, no exit): the action calls it, and tests
 * run it in-process where a child process proves nothing more.
 */
export async function runSync(
  flags: SyncFlags,
  options: { signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
): Promise<SyncCommandResult> {
  return withStore(
    {
      dataDir: flags.dataDir,
      databaseUrl: flags.databaseUrl,
      stripeApiKey: flags.apiKey,
      stripeApiBase: flags.apiBase,
      rateLimitRps: flags.rateLimit,
    },
    'sync',
    async ({ config, store, vault }) => {
      const { rows } = await store.db.query('SELECT 1 FROM workspaces WHERE id = $1', [flags.workspace]);
      if (rows.length === 0) throw new InvalidArgumentError(`No workspace "${flags.workspace}"`);
      const connectorId = connectorIdFor(flags.workspace);
      const apiKey = config.stripeApiKey ?? (await getApiKey(store.db, vault, connectorId).catch(() => null));
      if (!apiKey)
        throw new InvalidArgumentError('--api-key is required (no key is saved for this connector yet)');
      const connector = await saveConnector(store.db, vault, {
        id: connectorId,
        workspaceId: flags.workspace,
        apiKey,
        apiBase: config.stripeApiBase ?? null,
        rateLimitRps: config.rateLimitRps ?? null,
      });
      const client = createStripeClient({
        apiKey,
        apiBase: config.stripeApiBase,
        rateLimitRps: config.rateLimitRps,
        connectorId: connector.id,
        maxRetries: flags.maxRetries,
        timeoutMs: flags.timeout,
      });
      const scope = { workspaceId: flags.workspace, connectorId: connector.id };
      const bar = flags.json ? undefined : process.stderr.isTTY ? progressBar() : progressLines();
      let result: BackfillResult;
      try {
        result = await backfill({
          db: store.db,
          client,
          scope,
          workers: flags.workers || undefined,
          signal: options.signal,
          onProgress: bar?.update,
        });
      } catch (error) {
        // A Stripe failure shows on the connector's health page, as the server's syncs do.
        if (!options.signal?.aborted) await recordSyncFailure(store.db, connector.id, error);
        throw error;
      } finally {
        bar?.stop();
      }
      // Health and MRR are right as soon as the sync ends, without waiting for a webhook.
      const recomputed = await recomputeAfterSync(store.db, scope);
      return { ...result, recomputedAccounts: recomputed.accounts };
    },
    options.env,
  );
}

function progressBar() {
  const bar = new cliProgress.SingleBar(
    {
      format:
        'families {familiesDone}/{familiesTotal} |{bar}| {value} objects | {rps} req/s of {budget} | ETA {etaText}',
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p: SyncProgress) {
      const total = Math.max(p.estimatedTotal ?? p.objects, p.objects, 1);
      const payload = {
        familiesDone: p.familiesDone,
        familiesTotal: p.familiesTotal,
        rps: p.requestsPerSecond.toFixed(1),
        budget: p.rateBudgetRps,
        etaText: p.etaMs === null ? '…' : `${Math.ceil(p.etaMs / 1000)}s`,
      };
      if (!started) {
        bar.start(total, p.objects, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(p.objects, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Without a terminal (logs, CI): a plain line at most every half second. */
function progressLines() {
  let last = 0;
  return {
    update(p: SyncProgress) {
      const now = performance.now();
      if (now - last < 500 && !p.finished) return;
      last = now;
      const eta = p.etaMs === null ? '' : `, ETA ${Math.ceil(p.etaMs / 1000)}s`;
      process.stderr.write(
        `sync: families ${p.familiesDone}/${p.familiesTotal}, ${p.objects} objects, ${p.requests} requests, ${p.requestsPerSecond} req/s${eta}\n`,
      );
    },
    stop() {},
  };
}

export function syncJson(result: SyncCommandResult) {
  const families = Object.fromEntries(
    Object.entries(result.families).map(([f, c]) => [f, { stored: c.stored, listed: c.listed }]),
  );
  return {
    families,
    requests: result.requests,
    elapsed_ms: result.elapsed_ms,
    requests_per_second: result.requests_per_second,
    rate_budget_rps: result.rate_budget_rps,
    budget_utilization: result.budget_utilization,
    complete: result.complete,
    resumed: result.resumed,
    deleted: result.deleted,
    skipped: result.skipped,
    run_id: result.runId,
    recomputed_accounts: result.recomputedAccounts,
  };
}

function printResult(result: SyncCommandResult, json: boolean): void {
  if (json) {
    const out = syncJson(result);
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const lines = Object.entries(result.families).map(
    ([f, c]) =>
      `  ${f.padEnd(22)} ${String(c.stored).padStart(8)} stored ${String(c.listed).padStart(8)} listed${c.skipped ? `  (skipped: ${c.skipped})` : ''}`,
  );
  process.stdout.write(
    `${lines.join('\n')}\n${result.complete ? 'Sync complete' : 'Sync finished INCOMPLETE (see counts above; run sync again)'}: ` +
      `${result.requests} requests in ${(result.elapsed_ms / 1000).toFixed(1)} s ` +
      `(${result.requests_per_second} req/s, ${Math.round(result.budget_utilization * 100)}% of ${result.rate_budget_rps} req/s budget)` +
      `${result.resumed ? ', resumed' : ''}${result.deleted ? `, ${result.deleted} marked deleted` : ''}.\n` +
      `${result.recomputedAccounts} accounts recomputed.\n`,
  );
}
