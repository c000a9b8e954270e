import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { type Db, openDb } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';

/**
 * Every store-touching suite runs on PGlite and, when TEST_DATABASE_URL is set (CI sets it), on
 * PostgreSQL too, each suite in its own fresh schema so suites never see each other's rows.
 */

export type StoreKind = 'pglite' | 'postgres';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export interface TestStore {
  db: Db;
  kind: StoreKind;
  /** The PostgreSQL schema (for a second process to open the same store), or undefined on PGlite. */
  schema?: string;
  databaseUrl?: string;
  close(): Promise<void>;
}

export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'pglite') {
    const db = await openDb({});
    await migrate(db);
    return { db, kind, close: () => db.close() };
  }
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const db = await openDb({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 5 });
  await migrate(db);
  return {
    db,
    kind,
    schema,
    databaseUrl: TEST_DATABASE_URL,
    async close() {
      await db.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
      await db.close();
    },
  };
}

/**
 * `describe` once per store. The PostgreSQL run is reported as skipped (with the reason in its
 * title) when TEST_DATABASE_URL is not set.
 */
export function describeEachStore(title: string, body: (ctx: { store: () => TestStore }) => void): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    const skip = kind === 'postgres' && !TEST_DATABASE_URL;
    const label = skip ? `${title} [postgres: skipped, TEST_DATABASE_URL not set]` : `${title} [${kind}]`;
    describe.skipIf(skip)(label, () => {
      let store: TestStore | undefined;
      beforeAll(async () => {
        store = await openTestStore(kind);
      });
      afterAll(async () => {
        await store?.close();
      });
      body({
        store: () => {
          if (!store) throw new Error('store not open');
          return store;
        },
      });
    });
  }
}
