import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
const WEB = join(ROOT, 'web');
const DIST_INDEX = join(WEB, 'dist', 'index.html');

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

function isStale(): boolean {
  let built: number;
  try {
    built = statSync(DIST_INDEX).mtimeMs;
  } catch {
    return true;
  }
  const sources = [join(WEB, 'src'), join(WEB, 'index.html'), join(WEB, 'vite.config.ts')];
  return sources.some((s) => newestMtime(s) > built);
}

/**
 * Builds the UI once when web/dist is missing or older than web/src. Two e2e files may start at
 * once, so a lock directory makes the second wait for the first build instead of racing it.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (!isStale()) return;
  const lock = join(ROOT, 'test-artifacts', '.web-build.lock');
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes was left by a killed run.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 120_000)
        rmSync(lock, { recursive: true });
      await sleep(250);
      if (i > 600) throw new Error(`Waited too long for ${lock}; delete it if no build is running`);
    }
  }
  try {
    if (isStale())
      execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'error'], {
        cwd: ROOT,
        stdio: 'inherit',
        // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
        env: { ...process.env, NODE_ENV: 'production' },
      });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
