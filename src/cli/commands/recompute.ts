import type { Command } from 'commander';
import { CUSTOMERS_IN_FLIGHT, recomputeAll } from '../../accounts/recompute.ts';
import { getConnector } from '../../connector/connectors.ts';
import { STORE_FLAGS, withStore } from '../context.ts';
import { positiveNumber } from '../errors.ts';

interface RecomputeFlags {
  dataDir?: string;
  databaseUrl?: string;
  workspace: string;
  connector?: string;
  batchSize?: number;
  json?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('recompute')
    .description(
      'Link unlinked Stripe customers and rebuild every account’s billing figures (MRR, history, movements, health)',
    );
  for (const [flag, help] of STORE_FLAGS) cmd.option(flag, help);
  cmd
    .option('--workspace <id>', 'workspace', 'default')
    .option('--connector <id>', 'only the accounts of this connector')
    .option(
      '--batch-size <n>',
      `linked customers per transaction (an account with more gets one of its own; default ${CUSTOMERS_IN_FLIGHT} split across the transactions in flight)`,
      positiveNumber('--batch-size'),
    )
    .option('--json', 'print the result as JSON')
    .action(async (flags: RecomputeFlags) => {
      await withStore(flags, 'recompute', async ({ store }) => {
        // A mistyped id would otherwise "recompute" nothing and report success.
        const { rows } = await store.db.query('SELECT 1 FROM workspaces WHERE id = $1', [flags.workspace]);
        if (rows.length === 0) throw new Error(`No workspace "${flags.workspace}" in this store.`);
        if (flags.connector) {
          const connector = await getConnector(store.db, flags.connector);
          if (!connector || connector.workspaceId !== flags.workspace) {
            throw new Error(`No connector "${flags.connector}" in workspace "${flags.workspace}".`);
          }
        }
        const started = Date.now();
        const result = await recomputeAll(store.db, {
          workspaceId: flags.workspace,
          connectorId: flags.connector,
          batchSize: flags.batchSize === undefined ? undefined : Math.floor(flags.batchSize),
          onProgress: flags.json
            ? undefined
            : (done, total) => process.stderr.write(`\r${done}/${total} accounts`),
        });
        const seconds = (Date.now() - started) / 1000;
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ ...result, seconds })}\n`);
          return;
        }
        const health = Object.entries(result.byHealth)
          .map(([h, n]) => `${h} ${n}`)
          .join(', ');
        process.stderr.write('\n');
        process.stdout.write(
          `Recomputed ${result.accounts} accounts in ${seconds.toFixed(1)} s (${result.linked} customers linked, ` +
            `${result.accountsCreated} accounts created)${health ? `: ${health}` : ''}\n`,
        );
      });
    });
}
