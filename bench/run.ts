import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm run bench -- <name> [args…]`: runs bench/<name>.ts (its default export) and records the
 * figures it returns in bench/results/<name>.json, with the machine they were measured on.
 */

const here = import.meta.dirname;
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -3));
const [name, ...args] = process.argv.slice(2);

if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${available.join('|')}> [args…]\n`);
  process.exit(2);
}

const mod = (await import(join(here, `${name}.ts`))) as { default: (args: string[]) => Promise<unknown> };
const startedAt = new Date().toISOString();
const results = await mod.default(args);
const os = await import('node:os');
const record = {
  benchmark: name,
  startedAt,
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  },
  args,
  results,
};
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
