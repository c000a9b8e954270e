// `atlas-stripe sandbox`: starts the sandbox and prints where it listens and its keys.
import type { Command } from 'commander';
import { startSandbox } from './index.ts';

type Flags = {
  host: string;
  port: string;
  seed: string;
  customers: string;
  rateLimit?: string;
  endpointRateLimit?: string;
  latencyMs: string;
  faultRate: string;
  webhookUrl?: string;
  json?: boolean;
};

class FlagError extends Error {}

function number(
  name: string,
  raw: string | undefined,
  check: (n: number) => boolean,
  hint: string,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) throw new FlagError(`--${name} ${raw}: ${hint}`);
  return n;
}

export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('Start a local, stateful, Stripe-compatible API server with a simulated clock')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '12111')
    .option('--seed <n>', 'seed for deterministic data', '1')
    .option('--customers <n>', 'customers to generate with a year of history', '0')
    .option('--rate-limit <rps>', 'global requests per second before 429')
    .option('--endpoint-rate-limit <rps>', 'requests per second per endpoint before 429')
    .option('--latency-ms <ms>', 'delay added before each answer', '0')
    .option('--fault-rate <f>', 'share of requests answered with 500 (0-1)', '0')
    .option('--webhook-url <url>', 'URL that receives every event, signed')
    .option('--json', 'print one JSON line with api_base and keys')
    .action(async (flags: Flags) => {
      let options: Parameters<typeof startSandbox>[0];
      try {
        options = {
          host: flags.host,
          port: number(
            'port',
            flags.port,
            (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
            'use an integer port between 0 and 65535',
          ),
          seed: number('seed', flags.seed, Number.isInteger, 'use an integer'),
          customers: number(
            'customers',
            flags.customers,
            (n) => Number.isInteger(n) && n >= 0,
            'use an integer >= 0',
          ),
          rateLimit: number(
            'rate-limit',
            flags.rateLimit,
            (n) => n > 0,
            'use a number of requests per second > 0',
          ),
          endpointRateLimit: number(
            'endpoint-rate-limit',
            flags.endpointRateLimit,
            (n) => n > 0,
            'use a number of requests per second > 0',
          ),
          latencyMs: number('latency-ms', flags.latencyMs, (n) => n >= 0, 'use milliseconds >= 0'),
          faultRate: number(
            'fault-rate',
            flags.faultRate,
            (n) => n >= 0 && n <= 1,
            'use a share between 0 and 1, e.g. 0.05',
          ),
          webhookUrl: flags.webhookUrl,
        };
        if (flags.webhookUrl !== undefined && !/^https?:\/\/.+/.test(flags.webhookUrl)) {
          throw new FlagError(`--webhook-url ${flags.webhookUrl}: use an http(s) URL`);
        }
      } catch (err) {
        if (!(err instanceof FlagError)) throw err;
        process.stderr.write(`atlas-stripe sandbox: ${err.message}\n`);
        process.exit(2);
      }
      const sb = await startSandbox(options).catch((err: unknown) => {
        process.stderr.write(
          `atlas-stripe sandbox: could not start: ${err instanceof Error ? err.message : String(err)}\n`,
        );
        process.exit(err instanceof RangeError ? 2 : 1);
      });
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ api_base: sb.apiBase, secret_key: sb.secretKey, restricted_key: sb.restrictedKey, webhook_secret: sb.webhookSecret })}\n`,
        );
      } else {
        const counts = sb.admin.counts();
        process.stdout.write(
          [
            `Stripe sandbox listening on ${sb.apiBase}`,
            `  secret key:      ${sb.secretKey}`,
            `  restricted key:  ${sb.restrictedKey} (read-only, every resource)`,
            `  webhook secret:  ${sb.webhookSecret}`,
            `  simulated time:  ${new Date(sb.admin.now() * 1000).toISOString()}`,
            `  data:            ${counts['customers']} customers, ${counts['subscriptions']} subscriptions, ${counts['invoices']} invoices`,
            `  admin:           POST ${sb.apiBase}/_sandbox/clock/advance {"seconds": 86400} (see sandbox/README.md)`,
            '',
          ].join('\n'),
        );
      }
      const stop = () => void sb.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
