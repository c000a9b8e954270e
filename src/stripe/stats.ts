import { ERROR_KINDS, type StripeErrorKind } from './errors.ts';

/**
 * What a connector's client has done since it was created: every attempt (retries included)
 * counts, since every attempt spends budget. Read by the sync for requests/s and budget use, and
 * by the health page for API errors by kind.
 */

export interface EndpointStats {
  requests: number;
  errors: number;
}

export interface StripeStats {
  /** Attempts sent, retries included. */
  readonly requests: number;
  readonly retries: number;
  /** 429 answers. */
  readonly rateLimited: number;
  readonly errors: Record<StripeErrorKind, number>;
  readonly byEndpoint: ReadonlyMap<string, EndpointStats>;
  attempt(endpoint: string): void;
  failure(endpoint: string, kind: StripeErrorKind): void;
  retry(): void;
  snapshot(): StatsSnapshot;
}

export interface StatsSnapshot {
  requests: number;
  retries: number;
  rateLimited: number;
  errors: Record<StripeErrorKind, number>;
  byEndpoint: Record<string, EndpointStats>;
}

export function createStripeStats(): StripeStats {
  let requests = 0;
  let retries = 0;
  const errors = Object.fromEntries(ERROR_KINDS.map((k) => [k, 0])) as Record<StripeErrorKind, number>;
  const byEndpoint = new Map<string, EndpointStats>();
  const entry = (endpoint: string) => {
    let e = byEndpoint.get(endpoint);
    if (!e) {
      e = { requests: 0, errors: 0 };
      byEndpoint.set(endpoint, e);
    }
    return e;
  };
  return {
    get requests() {
      return requests;
    },
    get retries() {
      return retries;
    },
    get rateLimited() {
      return errors.rate_limited;
    },
    errors,
    byEndpoint,
    attempt(endpoint) {
      requests++;
      entry(endpoint).requests++;
    },
    failure(endpoint, kind) {
      errors[kind]++;
      entry(endpoint).errors++;
    },
    retry() {
      retries++;
    },
    snapshot() {
      return {
        requests,
        retries,
        rateLimited: errors.rate_limited,
        errors: { ...errors },
        byEndpoint: Object.fromEntries([...byEndpoint].map(([k, v]) => [k, { ...v }])),
      };
    },
  };
}
