import { Registry } from 'prom-client';
import { createVault } from '../../src/connector/vault.ts';
import { openDb } from '../../src/db/client.ts';
import type { AfterApplyHook } from '../../src/webhooks/apply-event.ts';
import { createWebhookService } from '../../src/webhooks/service.ts';

/**
 * A worker process for the two-processes test: `npx node worker-process.ts <databaseUrl> <schema>`.
 * Runs 2 worker loops on the shared PostgreSQL schema until nothing is due (twice in a row, so a
 * batch the other process rolled back is not missed), records each application it commits in
 * `test_applications` (with its pid), and prints how many batches it processed.
 */

const [databaseUrl, schema] = process.argv.slice(2) as [string, string];
const db = await openDb({ databaseUrl, schema, poolSize: 4 });
const pid = String(process.pid);
const record: AfterApplyHook = async (tx, { event, events = [event] }) => {
  for (const e of events) {
    await tx.query('INSERT INTO test_applications (event_id, pid) VALUES ($1, $2)', [e.id, pid]);
  }
};
const service = createWebhookService({
  db,
  vault: createVault(Buffer.alloc(32, 7)),
  registry: new Registry(),
  workers: 2,
  // Small batches, so the two processes interleave over the same objects.
  settings: { batchSize: 10, pollIntervalMs: 20 },
  afterApply: [record],
});
service.start();
let idle = 0;
while (idle < 3) {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM webhook_inbox WHERE status IN ('pending', 'failed')`,
  );
  idle = rows[0]!.n === 0 ? idle + 1 : 0;
  await new Promise((r) => setTimeout(r, 50));
}
await service.stop();
await db.close();
process.stdout.write(`${JSON.stringify({ pid })}\n`);
