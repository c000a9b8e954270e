import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The project's pinned Node 24 (type stripping), whatever runs vitest.
const NODE = new URL('../node_modules/node/bin/node', import.meta.url).pathname;

const script = `
import { Command } from 'commander';
import { registerSandboxCommand } from './sandbox/cli.ts';
const program = new Command('atlas-stripe');
registerSandboxCommand(program);
await program.parseAsync(process.argv.slice(1), { from: 'user' });
`;

function run(args: string[]): Promise<{ code: number | null; out: string; err: string; kill: () => void }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, ['--input-type=module', '-e', script, '--', ...args], {
      cwd: new URL('..', import.meta.url).pathname,
    });
    let out = '';
    let err = '';
    const kill = () => child.kill('SIGTERM');
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve({ code: null, out, err, kill });
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => resolve({ code, out, err, kill }));
  });
}

describe('atlas-stripe sandbox', () => {
  it('prints one JSON line with api_base and keys, and serves the API', async () => {
    const r = await run(['sandbox', '--port', '0', '--json']);
    const info = JSON.parse(r.out.trim()) as Record<string, string>;
    expect(Object.keys(info)).toEqual(['api_base', 'secret_key', 'restricted_key', 'webhook_secret']);
    expect(info['secret_key']).toMatch(/^sk_test_/);
    const res = await fetch(`${info['api_base']}/v1/customers`, {
      headers: { Authorization: `Bearer ${info['restricted_key']}` },
    });
    expect(res.status).toBe(200);
    r.kill();
  });

  it('exits 2 with a clear message on a bad flag value', async () => {
    const r = await run(['sandbox', '--fault-rate', '2']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--fault-rate 2: use a share between 0 and 1');
  });
});
