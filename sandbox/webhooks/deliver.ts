// Signed webhook delivery with Stripe's retry behaviour, a delivery log, and switches that make
// delivery hostile on purpose (duplicates, out-of-order, legacy payload shape). Runs off the request
// path: events are queued and POSTed with fetch, never awaited by the API.
import type { StoredEvent } from '../objects/wire.ts';
import type { Rng } from '../util/prng.ts';
import { toLegacyEvent } from './legacy.ts';
import { type RollingSecret, signatureHeader, validSecrets } from './sign.ts';

export type Target = { id: string; url: string; enabledEvents: string[]; secrets: RollingSecret[] };

export type Delivery = {
  event_id: string;
  event_type: string;
  endpoint: string;
  url: string;
  attempt: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  delivered_at: number;
};

export type DeliverySettings = { duplicates: boolean; out_of_order: boolean; legacy_shape: boolean };

export type DispatcherOptions = {
  /** Seconds between attempts; after the last one the delivery is abandoned. */
  retrySchedule: number[];
  timeoutMs: number;
  rng: Rng;
  targets: () => Target[];
  lookup: (id: string) => Record<string, unknown> | undefined;
};

const MAX_LOG = 10_000;

export class WebhookDispatcher {
  readonly log: Delivery[] = [];
  settings: DeliverySettings = { duplicates: false, out_of_order: false, legacy_shape: false };
  private readonly opts: DispatcherOptions;
  private buffer: StoredEvent[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private timers = new Set<NodeJS.Timeout>();
  private inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(opts: DispatcherOptions) {
    this.opts = opts;
  }

  enqueue(event: StoredEvent): void {
    if (this.closed) return;
    this.buffer.push(event);
    // Batching a few milliseconds lets out-of-order mode shuffle events emitted together.
    if (!this.flushTimer)
      this.flushTimer = setTimeout(() => this.flush(), this.settings.out_of_order ? 50 : 0);
  }

  private flush(): void {
    this.flushTimer = null;
    const batch = this.buffer;
    this.buffer = [];
    if (this.settings.out_of_order) shuffle(batch, this.opts.rng);
    for (const event of batch) {
      for (const target of this.opts.targets()) {
        if (!matches(target.enabledEvents, event.type)) continue;
        this.send(target, event, 1);
        if (this.settings.duplicates) this.send(target, event, 1);
      }
    }
  }

  private send(target: Target, event: StoredEvent, attempt: number): void {
    const p = this.post(target, event, attempt).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async post(target: Target, event: StoredEvent, attempt: number): Promise<void> {
    const body = this.settings.legacy_shape ? toLegacyEvent(event.json, this.opts.lookup) : event.json;
    const t = Math.floor(Date.now() / 1000);
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'Stripe-Signature': signatureHeader(body, validSecrets(target.secrets, Date.now()), t),
        },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (err) {
      error = err instanceof Error ? (err.name === 'TimeoutError' ? 'timeout' : err.message) : String(err);
    }
    this.log.push({
      event_id: event.id,
      event_type: event.type,
      endpoint: target.id,
      url: target.url,
      attempt,
      status_code: status,
      duration_ms: Math.round(performance.now() - started),
      error,
      delivered_at: Math.floor(Date.now() / 1000),
    });
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
    const delay = this.opts.retrySchedule[attempt - 1];
    if (error && delay !== undefined && !this.closed) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.send(target, event, attempt + 1);
      }, delay * 1000);
      this.timers.add(timer);
    }
  }

  /** Waits until nothing is queued or in flight (tests use it before asserting). */
  async idle(): Promise<void> {
    while (this.buffer.length || this.flushTimer || this.inFlight.size) {
      await Promise.all([...this.inFlight]);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): void {
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const t of this.timers) clearTimeout(t);
  }
}

function matches(enabled: string[], type: string): boolean {
  return enabled.some(
    (e) => e === '*' || e === type || (e.endsWith('.*') && type.startsWith(e.slice(0, -1))),
  );
}

function shuffle<T>(items: T[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
