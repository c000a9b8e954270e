// The sandbox side of the backfill benchmark, in its own process so its CPU and memory never count
// against the connector's: generates the account, prints one JSON line, serves until killed.
//   node bench/support/sandbox-process.ts '{"customers":6200,"latencyMs":100,"seed":1}'
import { type SandboxOptions, startSandbox } from '../../sandbox/index.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
const started = performance.now();
const sandbox = await startSandbox(options);
const counts = sandbox.admin.counts();
process.stdout.write(
  `${JSON.stringify({
    apiBase: sandbox.apiBase,
    host: sandbox.host,
    port: sandbox.port,
    secretKey: sandbox.secretKey,
    counts,
    objects: Object.values(counts).reduce((a, b) => a + b, 0),
    generateMs: Math.round(performance.now() - started),
  })}\n`,
);
process.on('SIGTERM', () => {
  sandbox.close().finally(() => process.exit(0));
});
