import { Worker } from 'node:worker_threads';
import type { Db, Queryable, QueryResult } from './client.ts';
import type { Operation, Ready, Reply, Request, WorkerError, WorkerInit } from './pglite-worker.ts';

/**
 * PGlite runs its WASM PostgreSQL synchronously on whatever thread calls it. On the main thread
 * it stalled everything else: measured during a backfill, 80% of the main thread's busy time was
 * PGlite, so HTTP parsing, webhook intake and the rate budget waited behind every statement. In a
 * worker thread it gets a core of its own; statements and rows cross as structured clones.
 *
 * PGlite has one connection, so this side keeps statements in order: a statement outside a
 * transaction waits for any open transaction to end, exactly as PGlite's own mutex did.
 */

interface Pending {
  resolve(reply: Reply & { ok: true }): void;
  reject(error: Error): void;
}

export interface PgliteThread {
  db: Db;
  dump(): Promise<Blob>;
}

export async function openPgliteThread(options: { dataDir?: string; image?: Blob }): Promise<PgliteThread> {
  const init: WorkerInit = {
    dataDir: options.dataDir,
    image: options.image ? await options.image.arrayBuffer() : undefined,
  };
  const worker = new Worker(new URL('./pglite-worker.ts', import.meta.url), {
    workerData: init,
    transferList: init.image ? [init.image] : [],
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | null = null;

  await new Promise<void>((resolve, reject) => {
    worker.once('message', (m: Ready) => (m.ready ? resolve() : reject(rebuild(m.error))));
    worker.once('error', reject);
  });

  worker.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (reply.ok) p.resolve(reply);
    else p.reject(rebuild(reply.error));
  });
  // The first cause stands: once closed, the thread's exit is expected, not the news.
  const failAll = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`The PGlite thread exited (code ${code})`)));
  // Idle, the thread must not keep the process alive; with a statement out, it must.
  worker.unref();

  function call(request: Operation): Promise<Reply & { ok: true }> {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (pending.size === 1) worker.ref();
      worker.postMessage({ ...request, id } as Request);
    });
  }

  // One holder at a time: a lone statement, or a whole transaction.
  let tail: Promise<unknown> = Promise.resolve();
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  }

  async function query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    const reply = await call({ op: 'query', sql, params: params as unknown[] | undefined });
    return { rows: (reply.rows ?? []) as T[], rowCount: reply.rowCount ?? 0 };
  }
  const inTransaction: Queryable = { query };

  const db: Db = {
    kind: 'pglite',
    query: (sql, params) => exclusive(() => query(sql, params)),
    transaction: (fn) =>
      exclusive(async () => {
        await query('BEGIN');
        try {
          const result = await fn(inTransaction);
          await query('COMMIT');
          return result;
        } catch (error) {
          await query('ROLLBACK').catch(() => {});
          throw error;
        }
      }),
    exec: (sql) =>
      exclusive(async () => {
        await call({ op: 'exec', sql });
      }),
    close: () =>
      exclusive(async () => {
        if (!failure) await call({ op: 'close' });
        failure ??= new Error('The store is closed');
        await worker.terminate();
      }),
  };
  return {
    db,
    dump: () =>
      exclusive(async () => {
        const reply = await call({ op: 'dump' });
        return new Blob([reply.dump!]);
      }),
  };
}

function rebuild(error: WorkerError): Error {
  return Object.assign(new Error(error.message), error.props);
}
