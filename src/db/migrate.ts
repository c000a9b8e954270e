import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './client.ts';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The numbered SQL files in src/db/migrations, in order (`0001_init.sql`, …). */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(join(dir, file), 'utf8'),
    }));
}

/**
 * Applies pending migrations in one transaction. An advisory lock serialises concurrent starters
 * on one PostgreSQL; a store migrated by a newer release is refused rather than silently used.
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS atlas_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(7317001)`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM atlas_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const latestKnown = migrations.at(-1)?.version ?? 0;
    const newest = Math.max(0, ...applied);
    if (newest > latestKnown) {
      throw new Error(
        `The store was migrated by a newer release (schema version ${newest}, this release knows ${latestKnown}). Upgrade atlas-stripe before using this store.`,
      );
    }
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      try {
        for (const statement of splitStatements(m.sql)) await tx.query(statement);
      } catch (error) {
        throw new Error(`Migration ${m.version}_${m.name} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
      await tx.query('INSERT INTO atlas_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      done.push(m.version);
    }
    return done;
  });
}

/** Splits a migration on `;` at line ends; migrations keep to plain DDL (no function bodies). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}
