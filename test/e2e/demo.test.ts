import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchBrowser, screenshot } from './support/browser.ts';
import { ensureWebBuilt, ROOT } from './support/build-web.ts';
import { freePort } from './support/free-port.ts';

/**
 * The one-command demo: `atlas-stripe serve` with no Stripe key starts the built-in sandbox in the
 * same process, and the accounts page shows its data, labelled as sandbox data.
 */

const DEMO_DEADLINE_MS = 60_000;

describe('the demo default (no Stripe key)', () => {
  let child: ChildProcess;
  let browser: Browser;
  let dataDir: string;
  let output = '';
  let startedAt = 0;
  let url = '';

  beforeAll(async () => {
    await ensureWebBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'atlas-demo-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, ATLAS_DATA_DIR: dataDir, ATLAS_PORT: String(port) };
    for (const k of [
      'ATLAS_STRIPE_API_KEY',
      'ATLAS_STRIPE_WEBHOOK_SECRET',
      'ATLAS_STRIPE_API_BASE',
      'DATABASE_URL',
      'ATLAS_DEMO',
    ])
      delete env[k];
    env.ATLAS_LOG_LEVEL = 'warn';
    startedAt = Date.now();
    // Its own process group, so the test can stop npx and the server it started together.
    child = spawn('npx', ['atlas-stripe', 'serve'], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => {
      output += d;
    });
    child.stderr!.on('data', (d) => {
      output += d;
    });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    // npx may not pass the signal on: stop the server itself too, by the pid in its data-folder lock.
    await stopLockOwner(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the accounts page with sandbox data within a minute of start', async () => {
    const link = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /(http:\/\/\S+\/setup\?token=[\w-]+)/.exec(output);
        // The link comes first (start-server), then the demo's banner (afterListen).
        if (m && output.includes('DEMO MODE')) {
          clearInterval(timer);
          resolve(m[1]!);
        } else if (child.exitCode !== null || Date.now() - startedAt > DEMO_DEADLINE_MS) {
          clearInterval(timer);
          reject(new Error(`serve printed no set-up link and demo banner:\n${output}`));
        }
      }, 200);
    });
    expect(link.startsWith(url)).toBe(true);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectPageErrors(page);
    await page.goto(link);
    await page.getByLabel('Your name').fill('Demo Owner');
    await page.getByLabel('Email').fill('demo@example.com');
    await page.getByLabel('Password').fill('a long demo passphrase');
    await page.getByRole('button', { name: 'Create owner' }).click();
    await page.waitForURL('**/accounts');

    const rows = page.getByTestId('accounts-table').locator('tbody tr');
    // Waits past the deadline so a miss reports how long the data really took.
    await rows.first().waitFor({ timeout: 150_000 });
    const tookMs = Date.now() - startedAt;
    process.stdout.write(`demo: accounts page showed data ${Math.round(tookMs / 1000)} s after spawn\n`);
    expect(tookMs, `accounts appeared ${Math.round(tookMs / 1000)} s after start`).toBeLessThanOrEqual(
      DEMO_DEADLINE_MS,
    );
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await page.getByTestId('sandbox-banner').textContent()).toContain('built-in Stripe sandbox');
    await screenshot(page, 'demo-accounts');

    await page.getByRole('link', { name: 'Connector' }).click();
    expect(await page.getByText('Sandbox', { exact: true }).count()).toBeGreaterThan(0);
    await screenshot(page, 'demo-connector');
    expect(errors).toEqual([]);
  }, 240_000);
});

async function stopLockOwner(dataDir: string): Promise<void> {
  let pid: number | undefined;
  try {
    pid = JSON.parse(readFileSync(join(dataDir, 'atlas.lock'), 'utf8')).pid;
  } catch {
    return;
  }
  const alive = () => {
    try {
      process.kill(pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!pid || !alive()) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
}
