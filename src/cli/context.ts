import { type Config, type ConfigInput, resolveConfig } from '../config/config.ts';
import { createVault, loadMasterKey, type Vault } from '../connector/vault.ts';
import { openStore, type Store } from '../db/open-store.ts';

/** What a store-touching command runs with: the resolved config, the open store and the vault. */
export interface CommandContext {
  config: Config;
  store: Store;
  vault: Vault;
}

export async function withStore<T>(
  flags: ConfigInput,
  command: string,
  fn: (ctx: CommandContext) => Promise<T>,
  /** The environment to read (tests running a command in-process pass their own). */
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const config = resolveConfig(flags, env);
  const store = await openStore(config, command);
  try {
    const vault = createVault(loadMasterKey(config));
    return await fn({ config, store, vault });
  } finally {
    await store.close();
  }
}

/** Flags every store-touching command accepts. */
export const STORE_FLAGS = [
  ['--data-dir <dir>', 'PGlite data folder (default ./data, or ATLAS_DATA_DIR)'],
  ['--database-url <url>', 'PostgreSQL URL (or DATABASE_URL); overrides the data folder'],
] as const;
