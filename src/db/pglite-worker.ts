import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/**
 * The embedded PostgreSQL in a thread of its own (see pglite-thread.ts): it answers one message
 * per request, in order of arrival. Ordering and transactions are the main thread's business.
 */

export interface WorkerInit {
  dataDir?: string;
  image?: ArrayBuffer;
}

export type Operation =
  | { op: 'query'; sql: string; params?: unknown[] }
  | { op: 'exec'; sql: string }
  | { op: 'dump' }
  | { op: 'close' };

export type Request = Operation & { id: number };

export interface WorkerError {
  message: string;
  props: Record<string, unknown>;
}

export type Ready = { ready: true } | { ready: false; error: WorkerError };

export type Reply =
  | { id: number; ok: true; rows?: unknown[]; rowCount?: number; dump?: ArrayBuffer }
  | { id: number; ok: false; error: WorkerError };

const INT8 = 20;
const init = workerData as WorkerInit;
const port = parentPort!;

let lite: PGlite;
try {
  lite = await PGlite.create({
    dataDir: init.dataDir,
    loadDataDir: init.image ? new Blob([init.image]) : undefined,
    parsers: { [INT8]: (v: string) => Number(v) },
  });
  port.postMessage({ ready: true } satisfies Ready);
} catch (error) {
  port.postMessage({ ready: false, error: describe(error) } satisfies Ready);
  process.exit(1);
}

/** Errors cross the thread as plain data; the driver's fields (code, detail…) are kept. */
function describe(error: unknown): WorkerError {
  if (!(error instanceof Error)) return { message: String(error), props: {} };
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(error)) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) props[k] = v;
  }
  return { message: error.message, props };
}

async function handle(request: Request): Promise<Reply> {
  switch (request.op) {
    case 'query': {
      const res = await lite.query(request.sql, request.params);
      return { id: request.id, ok: true, rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    }
    case 'exec':
      await lite.exec(request.sql);
      return { id: request.id, ok: true };
    case 'dump': {
      const blob = await lite.dumpDataDir('none');
      return { id: request.id, ok: true, dump: await blob.arrayBuffer() };
    }
    case 'close':
      await lite.close();
      return { id: request.id, ok: true };
  }
}

port.on('message', (request: Request) => {
  handle(request).then(
    (reply) => port.postMessage(reply, reply.ok && reply.dump ? [reply.dump] : []),
    (error) => port.postMessage({ id: request.id, ok: false, error: describe(error) } satisfies Reply),
  );
});
