import type { Config } from '../config/config.ts';
import { type Db, openDb } from './client.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { migrate } from './migrate.ts';

export interface Store {
  db: Db;
  close(): Promise<void>;
}

/**
 * Opens the configured store and applies migrations: PostgreSQL when DATABASE_URL is set, else
 * PGlite in the data folder, locked to this process for as long as it is open.
 */
export async function openStore(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  command: string,
): Promise<Store> {
  const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir, command);
  try {
    const db = await openDb(
      config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: `${config.dataDir}/pg` },
    );
    await migrate(db);
    return {
      db,
      async close() {
        await db.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
