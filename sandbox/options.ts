// Sandbox options, resolved once into one validated object.
import type { FailedPaymentAction } from './engine/state.ts';

export type SandboxOptions = {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /** Seed of every random choice (data, ids, keys). Default 1. */
  seed?: number;
  /** Customers to generate with a year of history; 0 = empty account. Default 0. */
  customers?: number;
  /** Global requests per second before 429 (`global-rate`); unset = unlimited. */
  rateLimit?: number;
  /** Requests per second per endpoint pattern before 429 (`endpoint-rate`); unset = unlimited. */
  endpointRateLimit?: number;
  /** Delay added before every API answer, in ms. Default 0. */
  latencyMs?: number;
  /** Share of API requests answered with an injected 500 api_error, 0–1. Default 0. */
  faultRate?: number;
  /** URL that receives every event, signed with the sandbox's webhook secret. */
  webhookUrl?: string;
  /** Seconds between webhook delivery attempts after a failure. Default Stripe-like (hours). */
  webhookRetrySchedule?: number[];
  /** Webhook request timeout in ms. Default 10 000. */
  webhookTimeoutMs?: number;
  /** What happens to a subscription after its last failed retry. Default 'unpaid'. */
  failedPaymentAction?: FailedPaymentAction;
  /** Initial simulated time, unix seconds. Default 2026-06-01T12:00:00Z. */
  now?: number;
};

export type ResolvedOptions = Required<
  Omit<SandboxOptions, 'rateLimit' | 'endpointRateLimit' | 'webhookUrl'>
> & {
  rateLimit: number | null;
  endpointRateLimit: number | null;
  webhookUrl: string | null;
};

export const DEFAULT_NOW = Date.UTC(2026, 5, 1, 12) / 1000;
/** Stripe test mode retries a few times over hours; tests pass tiny values. */
export const DEFAULT_RETRY_SCHEDULE = [60, 300, 1800, 3600, 7200];

export function resolveOptions(o: SandboxOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 0,
    seed: o.seed ?? 1,
    customers: o.customers ?? 0,
    rateLimit: o.rateLimit || null,
    endpointRateLimit: o.endpointRateLimit || null,
    latencyMs: o.latencyMs ?? 0,
    faultRate: o.faultRate ?? 0,
    webhookUrl: o.webhookUrl ?? null,
    webhookRetrySchedule: o.webhookRetrySchedule ?? DEFAULT_RETRY_SCHEDULE,
    webhookTimeoutMs: o.webhookTimeoutMs ?? 10_000,
    failedPaymentAction: o.failedPaymentAction ?? 'unpaid',
    now: o.now ?? DEFAULT_NOW,
  };
  const bad = (what: string) => {
    throw new RangeError(`Invalid sandbox option ${what}`);
  };
  if (!Number.isInteger(r.port) || r.port < 0 || r.port > 65535) bad(`port=${r.port}: use 0–65535`);
  if (!Number.isInteger(r.seed)) bad(`seed=${r.seed}: use an integer`);
  if (!Number.isInteger(r.customers) || r.customers < 0) bad(`customers=${r.customers}: use an integer >= 0`);
  if (r.rateLimit !== null && !(r.rateLimit > 0)) bad(`rateLimit=${r.rateLimit}: use a number > 0`);
  if (r.endpointRateLimit !== null && !(r.endpointRateLimit > 0))
    bad(`endpointRateLimit=${r.endpointRateLimit}: use a number > 0`);
  if (!(r.latencyMs >= 0)) bad(`latencyMs=${r.latencyMs}: use a number >= 0`);
  if (!(r.faultRate >= 0 && r.faultRate <= 1)) bad(`faultRate=${r.faultRate}: use a number between 0 and 1`);
  if (r.webhookUrl !== null && !/^https?:\/\//.test(r.webhookUrl))
    bad(`webhookUrl=${r.webhookUrl}: use an http(s) URL`);
  if (!Number.isInteger(r.now) || r.now <= 0) bad(`now=${r.now}: use unix seconds`);
  return r;
}
