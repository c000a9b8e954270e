import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeEvent, signatureFor } from './support.ts';

/**
 * The process is killed (SIGKILL: no shutdown code runs) after Stripe got its 2xx but before any
 * worker touched the events. On restart, with workers, every event is applied exactly once.
 * Real server, real PGlite data folder, real signatures; applications are counted by a test-only
 * afterApply hook inside the worker's transaction.
 */

const SCRIPT = join(import.meta.dirname, 'serve-process.ts');
const SECRET = 'whsec_crash0recovery';

interface Child {
  proc: ChildProcess;
  lines: AsyncIterator<unknown>;
}

function startChild(dataDir: string, workers: number): Child {
  const proc = spawn(process.execPath, [SCRIPT, dataDir, String(workers), SECRET], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  async function* read() {
    let buffer = '';
    for await (const chunk of proc.stdout!) {
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('{')) yield JSON.parse(line);
        nl = buffer.indexOf('\n');
      }
    }
  }
  return { proc, lines: read() };
}

async function next<T>(child: Child): Promise<T> {
  const { value, done } = await child.lines.next();
  if (done) throw new Error(`the server process exited (code ${child.proc.exitCode}) before answering`);
  return value as T;
}

describe('webhooks: a process killed between commit and processing', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'atlas-crash-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies every acknowledged event exactly once after a restart', async () => {
    const first = startChild(dataDir, 0);
    children.push(first.proc);
    const { url } = await next<{ url: string }>(first);
    const now = Math.floor(Date.now() / 1000);
    const events = Array.from({ length: 30 }, (_, i) =>
      makeEvent({
        type: i % 3 === 0 ? 'customer.created' : 'customer.updated',
        created: now + Math.floor(i / 3),
        object: { id: `cus_crash${i % 10}`, object: 'customer', email: `c${i}@crash.test` },
      }),
    );
    // Concurrent deliveries, as Stripe sends them: they share group commits.
    const answers = await Promise.all(
      events.map((e) => {
        const body = JSON.stringify(e);
        return fetch(`${url}/webhooks/stripe/conn_default`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': signatureFor(body, SECRET) },
          body,
        });
      }),
    );
    expect(answers.map((r) => r.status)).toEqual(events.map(() => 200));
    first.proc.kill('SIGKILL');
    await new Promise((resolve) => first.proc.once('exit', resolve));

    const second = startChild(dataDir, 1);
    children.push(second.proc);
    await next<{ url: string }>(second);
    const report = await next<{
      applications: Record<string, number>;
      statuses: Record<string, number>;
      customers: number;
    }>(second);
    expect(report.statuses).toEqual({ applied: 30 });
    expect(report.applications).toEqual(Object.fromEntries(events.map((e) => [e.id, 1])));
    expect(report.customers).toBe(10);
    await new Promise((resolve) =>
      second.proc.exitCode === null ? second.proc.once('exit', resolve) : resolve(null),
    );
    expect(second.proc.exitCode).toBe(0);
  }, 240_000);
});
