import { Counter, type Registry } from 'prom-client';
import type { StripeErrorKind } from './errors.ts';

/**
 * Per-endpoint request and error counters. Labels are path patterns (`/v1/customers/{id}/…`), never
 * ids or query strings, so the number of series stays bounded whatever the account holds.
 */

/**
 * Stripe's v1 paths alternate resource and id: /v1/{resource}/{id}/{sub}/{id}. Every even segment
 * after the version is an id; judging by position is robust to ids that look like words.
 */
export function endpointPattern(path: string): string {
  const [version, ...rest] = path.split('?')[0]!.split('/').filter(Boolean);
  return `/${[version, ...rest.map((seg, i) => (i % 2 === 1 ? '{id}' : seg))].join('/')}`;
}

export interface StripeMetrics {
  request(endpoint: string, connectorId: string, outcome: 'ok' | StripeErrorKind): void;
  retry(endpoint: string, connectorId: string): void;
}

function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter<string> {
  // Several connectors (and re-created clients) share one registry: register each metric once.
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<string>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

export function createStripeMetrics(registry: Registry | undefined): StripeMetrics | undefined {
  if (!registry) return undefined;
  const requests = counter(
    registry,
    'atlas_stripe_requests_total',
    'Stripe API requests (attempts, retries included) by endpoint pattern and outcome',
    ['endpoint', 'connector', 'outcome'],
  );
  const errors = counter(
    registry,
    'atlas_stripe_errors_total',
    'Failed Stripe API attempts by endpoint and kind',
    ['endpoint', 'connector', 'kind'],
  );
  const retries = counter(registry, 'atlas_stripe_retries_total', 'Stripe API retries by endpoint pattern', [
    'endpoint',
    'connector',
  ]);
  return {
    request(endpoint, connector, outcome) {
      requests.inc({ endpoint, connector, outcome });
      if (outcome !== 'ok') errors.inc({ endpoint, connector, kind: outcome });
    },
    retry(endpoint, connector) {
      retries.inc({ endpoint, connector });
    },
  };
}
