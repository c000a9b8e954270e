import type { Registry } from 'prom-client';
import Stripe from 'stripe';
import { createEndpointLimits, type EndpointLimits } from './endpoint-limits.ts';
import { kindOfStatus, missingPermission, type StripeErrorKind, StripeRequestError } from './errors.ts';
import { createStripeMetrics, endpointPattern } from './metrics.ts';
import { type QueryParams, toQueryString } from './query.ts';
import {
  type Clock,
  createRateBudget,
  defaultRateLimitRps,
  type RateBudget,
  systemClock,
} from './rate-budget.ts';
import { DEFAULT_RETRY_POLICY, decideRetry, type RetryPolicy } from './retry-policy.ts';
import { createStripeStats, type StripeStats } from './stats.ts';

/**
 * The connector's Stripe client: the official SDK (pinned API version, SDK retries off) under our
 * own retry loop and ONE rate budget, so every attempt — retries included — is counted, budgeted
 * and labelled per endpoint. Backfill, permission checks and Test connection all go through it.
 */

export interface StripeClientOptions {
  /** Secret or restricted key (`sk_…`/`rk_…`); its prefix sets the mode and the default budget. */
  apiKey: string;
  /** API base such as http://127.0.0.1:54321 (the sandbox); default Stripe's own. */
  apiBase?: string;
  /** Requests/second this connector may spend; default 90% of Stripe's limit for the key's mode. */
  rateLimitRps?: number;
  /** Per-attempt timeout in ms. */
  timeoutMs?: number;
  /** Retries after the first attempt (connection failures, 409, 429, 5xx). */
  maxRetries?: number;
  /** Finer retry settings (base delay, caps); `maxRetries` above wins. */
  retryPolicy?: Partial<RetryPolicy>;
  /** prom-client registry for the per-endpoint counters. */
  registry?: Registry;
  /** Label for the counters. */
  connectorId?: string;
  /** Share a budget (several clients of one connector); default: a new one. */
  budget?: RateBudget;
  clock?: Clock;
  random?: () => number;
}

export interface ListPage<T> {
  data: T[];
  has_more: boolean;
  /** The response's Date header in ms: the ordering marker for applyStripeObjects. */
  sourceTs: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** This call's per-attempt timeout, in ms (default: the client's). */
  timeoutMs?: number;
  /** This call's retries after the first attempt (default: the client's policy). */
  maxRetries?: number;
}

export interface ConnectorStripe {
  /** The SDK instance (pinned version, no SDK retries): for calls outside the list path. */
  readonly stripe: Stripe;
  readonly budget: RateBudget;
  /** Per-endpoint limits learned from 429s that named the endpoint's own limit. */
  readonly endpointLimits: EndpointLimits;
  readonly stats: StripeStats;
  readonly apiBase: string;
  readonly livemode: boolean;
  readonly apiVersion: string;
  /** One page of a list endpoint (`/v1/customers`, `/v1/invoices/in_1/lines`). */
  list<T = Record<string, unknown>>(
    path: string,
    params?: QueryParams,
    options?: RequestOptions,
  ): Promise<ListPage<T>>;
  /** Any GET, budgeted and retried; answers the body and the Date header in ms. */
  get<T = Record<string, unknown>>(
    path: string,
    params?: QueryParams,
    options?: RequestOptions,
  ): Promise<{ body: T; sourceTs: number }>;
}

const STRIPE_API = 'https://api.stripe.com';

function sdkConfig(apiBase: string | undefined, timeoutMs: number): Stripe.StripeConfig {
  const base: Stripe.StripeConfig = {
    maxNetworkRetries: 0,
    timeout: timeoutMs,
    telemetry: false,
    appInfo: { name: 'atlas-stripe' },
  };
  if (!apiBase) return base;
  let url: URL;
  try {
    url = new URL(apiBase);
  } catch (error) {
    throw new Error(`Invalid Stripe API base "${apiBase}": use a URL like http://127.0.0.1:54321`, {
      cause: error,
    });
  }
  const protocol = url.protocol.replace(':', '');
  if (protocol !== 'http' && protocol !== 'https')
    throw new Error(`Invalid Stripe API base "${apiBase}": the protocol must be http or https`);
  const port = url.port ? Number(url.port) : protocol === 'https' ? 443 : 80;
  return { ...base, host: url.hostname, port, protocol };
}

interface SdkFailure {
  statusCode?: number;
  headers?: Record<string, string>;
  message?: string;
}

export function createStripeClient(options: StripeClientOptions): ConnectorStripe {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const stripe = new Stripe(options.apiKey, sdkConfig(options.apiBase, timeoutMs));
  const clock = options.clock ?? systemClock;
  const budget =
    options.budget ??
    createRateBudget({ rps: options.rateLimitRps ?? defaultRateLimitRps(options.apiKey), clock });
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...options.retryPolicy,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  };
  const stats = createStripeStats();
  const metrics = createStripeMetrics(options.registry);
  const connectorId = options.connectorId ?? 'default';
  const apiBase = options.apiBase ?? STRIPE_API;
  const endpointLimits = createEndpointLimits({ rps: () => budget.rps, clock });

  async function get<T>(path: string, params: QueryParams = {}, opts: RequestOptions = {}) {
    const qs = toQueryString(params);
    const full = qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
    const endpoint = endpointPattern(path);
    for (let retries = 0; ; retries++) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      await endpointLimits.take(endpoint, opts.signal);
      await budget.take(opts.signal);
      stats.attempt(endpoint);
      try {
        const body = (await stripe.rawRequest('GET', full, undefined, {
          maxNetworkRetries: 0,
          timeout: opts.timeoutMs ?? timeoutMs,
        })) as unknown as T & { lastResponse?: { headers?: Record<string, string> } };
        metrics?.request(endpoint, connectorId, 'ok');
        endpointLimits.succeeded(endpoint);
        const date = Date.parse(body.lastResponse?.headers?.date ?? '');
        return { body: body as T, sourceTs: Number.isNaN(date) ? Date.now() : date };
      } catch (error) {
        const failure = error as SdkFailure;
        const status = failure.statusCode;
        const kind: StripeErrorKind = kindOfStatus(status);
        stats.failure(endpoint, kind);
        metrics?.request(endpoint, connectorId, kind);
        const decision = decideRetry(
          { status, headers: failure.headers },
          retries,
          opts.maxRetries === undefined ? policy : { ...policy, maxRetries: opts.maxRetries },
          options.random,
        );
        if (!decision.retry) {
          throw new StripeRequestError(
            {
              kind,
              status,
              method: 'GET',
              endpoint,
              permission: kind === 'permission' ? missingPermission(failure.message, path) : undefined,
              stripeMessage: failure.message,
              attempts: retries + 1,
            },
            { cause: error, apiBase },
          );
        }
        if (status === 429) {
          // An endpoint's own limit slows that endpoint only; the account-wide limit means every
          // worker of this connector backs off together, not just the one that was told.
          const reason = failure.headers?.['stripe-rate-limited-reason'] ?? '';
          if (/endpoint|resource/i.test(reason)) endpointLimits.limited(endpoint);
          else budget.pause(decision.delayMs);
        }
        stats.retry();
        metrics?.retry(endpoint, connectorId);
        await clock.sleep(decision.delayMs, opts.signal);
      }
    }
  }

  return {
    stripe,
    budget,
    endpointLimits,
    stats,
    apiBase,
    livemode: /^(sk|rk)_live_/.test(options.apiKey),
    apiVersion: String(stripe.getApiField('version')),
    get,
    async list<T>(path: string, params: QueryParams = {}, opts: RequestOptions = {}) {
      const { body, sourceTs } = await get<{ data?: T[]; has_more?: boolean }>(path, params, opts);
      if (!Array.isArray(body.data))
        throw new Error(`Stripe answered ${path} without a list (no data array); check the API base URL.`);
      return { data: body.data, has_more: body.has_more === true, sourceTs };
    },
  };
}
