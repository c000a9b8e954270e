import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Webhook metrics on the deployment's registry. Get-or-create, so several apps built on one
 * registry (tests, a restart in process) share the same series instead of failing to register.
 */
export interface WebhookMetrics {
  accepted: Counter<'connector'>;
  duplicates: Counter<'connector'>;
  rejected: Counter<'connector' | 'reason'>;
  processed: Counter<'type' | 'outcome'>;
  parked: Counter<'connector'>;
  lag: Histogram<string>;
  lastReceived: Gauge<'connector'>;
}

function getOrCreate<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

export function webhookMetrics(registry: Registry): WebhookMetrics {
  const registers = [registry];
  return {
    accepted: getOrCreate(
      registry,
      'atlas_webhook_events_accepted_total',
      () =>
        new Counter({
          name: 'atlas_webhook_events_accepted_total',
          help: 'Webhook events verified and committed to the inbox',
          labelNames: ['connector'],
          registers,
        }),
    ),
    duplicates: getOrCreate(
      registry,
      'atlas_webhook_events_duplicate_total',
      () =>
        new Counter({
          name: 'atlas_webhook_events_duplicate_total',
          help: 'Webhook deliveries of an event already in the inbox (answered 2xx, not processed again)',
          labelNames: ['connector'],
          registers,
        }),
    ),
    rejected: getOrCreate(
      registry,
      'atlas_webhook_events_rejected_total',
      () =>
        new Counter({
          name: 'atlas_webhook_events_rejected_total',
          help: 'Webhook deliveries rejected, by reason',
          labelNames: ['connector', 'reason'],
          registers,
        }),
    ),
    processed: getOrCreate(
      registry,
      'atlas_webhook_events_processed_total',
      () =>
        new Counter({
          name: 'atlas_webhook_events_processed_total',
          help: 'Inbox events processed, by event type and outcome (applied, stale, ignored, failed, parked)',
          labelNames: ['type', 'outcome'],
          registers,
        }),
    ),
    parked: getOrCreate(
      registry,
      'atlas_webhook_events_parked_total',
      () =>
        new Counter({
          name: 'atlas_webhook_events_parked_total',
          help: 'Events parked after exhausting their retries',
          labelNames: ['connector'],
          registers,
        }),
    ),
    lag: getOrCreate(
      registry,
      'atlas_webhook_processing_lag_seconds',
      () =>
        new Histogram({
          name: 'atlas_webhook_processing_lag_seconds',
          help: 'Time from an event entering the inbox to its object being applied',
          buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300],
          registers,
        }),
    ),
    lastReceived: getOrCreate(
      registry,
      'atlas_webhook_last_event_received_timestamp_seconds',
      () =>
        new Gauge({
          name: 'atlas_webhook_last_event_received_timestamp_seconds',
          help: 'When the last valid webhook event was received (unix seconds)',
          labelNames: ['connector'],
          registers,
        }),
    ),
  };
}
