import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * One validated configuration object, resolved once at start from flags and `ATLAS_*` environment
 * variables and passed down. No other module reads process.env.
 */

const schema = z.object({
  /** PGlite data folder (embedded default). Holds the lock file and the generated master key. */
  dataDir: z.string().min(1),
  /** PostgreSQL URL; when set, the store is PostgreSQL instead of PGlite. */
  databaseUrl: z.string().url().optional(),
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  /** The URL Stripe reaches this deployment at (webhook URL shown to the admin). */
  publicUrl: z.string().url().optional(),
  /** Headless connector set-up (operators, tests): key, signing secret, API base. */
  stripeApiKey: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, 'must look like sk_test_… or rk_live_…')
    .optional(),
  stripeWebhookSecret: z
    .string()
    .regex(/^whsec_\w+$/, 'must look like whsec_…')
    .optional(),
  stripeApiBase: z.string().url().optional(),
  /** Master key for credentials at rest (32 bytes, base64 or hex); else a key file in dataDir. */
  secretKey: z.string().optional(),
  /** Requests/second the connector may spend; default: 90% of Stripe's limit for the key's mode. */
  rateLimitRps: z.coerce.number().positive().optional(),
  /** Webhook inbox workers in this process. */
  workers: z.coerce.number().int().min(0).max(64),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Start the built-in sandbox and connect to it when no Stripe key is configured. */
  demo: z.boolean(),
});

export type Config = z.infer<typeof schema>;

export type ConfigInput = Partial<Record<keyof Config, unknown>>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function fromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  return {
    dataDir: env.ATLAS_DATA_DIR,
    databaseUrl: env.DATABASE_URL || undefined,
    host: env.ATLAS_HOST,
    port: env.ATLAS_PORT ?? env.PORT,
    publicUrl: env.ATLAS_PUBLIC_URL,
    stripeApiKey: env.ATLAS_STRIPE_API_KEY,
    stripeWebhookSecret: env.ATLAS_STRIPE_WEBHOOK_SECRET,
    stripeApiBase: env.ATLAS_STRIPE_API_BASE,
    secretKey: env.ATLAS_SECRET_KEY,
    rateLimitRps: env.ATLAS_RATE_LIMIT,
    workers: env.ATLAS_WORKERS,
    logLevel: env.ATLAS_LOG_LEVEL,
    demo: env.ATLAS_DEMO === undefined ? undefined : env.ATLAS_DEMO !== 'false',
  };
}

const DEFAULTS: ConfigInput = {
  dataDir: './data',
  host: '127.0.0.1',
  port: 3000,
  workers: 2,
  logLevel: 'info',
  demo: true,
};

/** Flags win over environment variables, which win over defaults. Throws ConfigError with every problem. */
export function resolveConfig(flags: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const merged: ConfigInput = { ...DEFAULTS };
  for (const source of [fromEnv(env), flags]) {
    for (const [k, v] of Object.entries(source))
      if (v !== undefined && v !== '') merged[k as keyof Config] = v;
  }
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.dataDir) };
}
