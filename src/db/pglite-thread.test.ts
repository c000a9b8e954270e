import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, dumpPglite, openDb } from './client.ts';

describe('PGlite in its worker thread', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb({});
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, note text, big bigint, at timestamptz)');
  });
  afterAll(async () => {
    await db.close();
  });

  it('round-trips parameters and rows, with int8 as numbers and timestamps as dates', async () => {
    const at = new Date('2026-03-12T10:00:00Z');
    await db.query('INSERT INTO t VALUES ($1, $2, $3, $4)', [1, 'one', 9_007_199_254_740_991, at]);
    const { rows } = await db.query<{ note: string; big: number; at: Date }>('SELECT * FROM t WHERE id = 1');
    expect(rows).toEqual([{ id: 1, note: 'one', big: 9_007_199_254_740_991, at }]);
  });

  it('keeps the driver error fields (a unique violation is code 23505)', async () => {
    await expect(db.query('INSERT INTO t (id) VALUES (1)')).rejects.toMatchObject({
      code: '23505',
      message: expect.stringContaining('duplicate key'),
    });
  });

  it('rolls a transaction back when its function throws, and the next statement still works', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO t (id, note) VALUES (2, 'two')`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const { rows } = await db.query('SELECT id FROM t WHERE id = 2');
    expect(rows).toEqual([]);
  });

  it('runs a statement issued during a transaction after it, not inside it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const tx = db.transaction(async (q) => {
      await q.query(`INSERT INTO t (id, note) VALUES (3, 'three')`);
      await gate;
      throw new Error('abort');
    });
    const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id = 3');
    release();
    await expect(tx).rejects.toThrow('abort');
    // Had it run inside the transaction it would have seen the row, or been rolled back with it.
    expect((await outside).rows).toEqual([{ n: 0 }]);
  });

  it('dumps a cluster that another store starts from', async () => {
    const image = await dumpPglite(db);
    const copy = await openDb({ pgliteImage: image });
    try {
      const { rows } = await copy.query<{ note: string }>('SELECT note FROM t WHERE id = 1');
      expect(rows).toEqual([{ note: 'one' }]);
    } finally {
      await copy.close();
    }
  });

  it('keeps data in a data folder across a close and reopen, and refuses statements once closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atlas-pglite-thread-'));
    try {
      const first = await openDb({ dataDir: join(dir, 'pg') });
      await first.exec(`CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`);
      await first.close();
      await expect(first.query('SELECT 1')).rejects.toThrow(/closed/);
      const second = await openDb({ dataDir: join(dir, 'pg') });
      expect((await second.query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
