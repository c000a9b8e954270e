import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * PGlite is single-process: two processes on one data folder corrupt it. A lock file holding the
 * owner's pid makes that impossible; a lock left by a dead process is taken over.
 */

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  readonly pid: number;
  constructor(dataDir: string, pid: number, command: string) {
    super(
      `The data folder ${dataDir} is in use by another atlas-stripe process (pid ${pid}: ${command}). ` +
        'PGlite allows one process per data folder: stop that process, or use its REST API / CLI through the ' +
        'running server (e.g. `atlas-stripe token create --server http://…`), or point DATABASE_URL at PostgreSQL ' +
        'to share the store between processes.',
    );
    this.pid = pid;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dataDir: string, command: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'atlas.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() }), {
        flag: 'wx',
        mode: 0o600,
      });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      };
      process.once('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: { pid?: number; command?: string } = {};
      try {
        owner = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        // A torn lock file: treat as stale.
      }
      if (owner.pid && owner.pid !== process.pid && isAlive(owner.pid)) {
        throw new DataDirLockedError(dataDir, owner.pid, owner.command ?? 'unknown');
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock the data folder ${dataDir}`);
}
