// The sandbox's whole world: clock, store, scheduler, seeded randomness and the event log.
// Everything that changes state takes this object, so HTTP routes, the clock and the data
// generator share one code path.
import type { AnyFamily } from '../store/store.ts';
import { createStore, type Store } from '../store/store.ts';
import { createIdMaker, createRng, type Rng } from '../util/prng.ts';
import { Scheduler } from './scheduler.ts';

export const API_VERSION = '2026-10-28.endive';
export const EVENT_RETENTION_SECONDS = 30 * 86400;

export type FailedPaymentAction = 'unpaid' | 'canceled';

export type RequestContext = { id: string | null; idempotencyKey: string | null };

export type SandboxState = {
  /** Simulated time, unix seconds; only ever moves forward. */
  now: number;
  rng: Rng;
  newId: (prefix: string) => string;
  accountId: string;
  store: Store;
  scheduler: Scheduler;
  failedPaymentAction: FailedPaymentAction;
  /** Days after each failed attempt before the next retry (Smart-Retries-like). */
  retryDays: number[];
  /** Events created before this time are not recorded (the generator keeps the last 30 days). */
  recordEventsFrom: number;
  /** The API request being served, copied into events' `request`. */
  request: RequestContext;
  /** Called for each recorded event (webhook delivery). */
  onEvent: ((event: { id: string; type: string; created: number; json: string }) => void)[];
  /** Net amount per currency that became available and is waiting for the next payout. */
  balance: Map<string, number>;
  /** Balance transactions not yet available, oldest first. */
  pendingBalance: string[];
  /** Dispute test cards whose one dispute has been opened. */
  disputedCards: Set<string>;
};

export function createState(p: {
  seed: number;
  now: number;
  failedPaymentAction: FailedPaymentAction;
}): SandboxState {
  const rng = createRng(p.seed);
  const newId = createIdMaker(rng);
  return {
    now: p.now,
    rng,
    newId,
    accountId: newId('acct_'),
    store: createStore(),
    scheduler: new Scheduler(),
    failedPaymentAction: p.failedPaymentAction,
    retryDays: [3, 5, 7],
    recordEventsFrom: -Infinity,
    request: { id: null, idempotencyKey: null },
    onEvent: [],
    balance: new Map(),
    pendingBalance: [],
    disputedCards: new Set(),
  };
}

/**
 * Records an event whose `data.object` is the object's current JSON. Callers `touch` the object
 * first when it changed, so the snapshot is exact. The JSON is assembled as a string: the object
 * JSON is already cached, and events are never re-serialised.
 */
export function emit(
  state: SandboxState,
  type: string,
  family: AnyFamily,
  id: string,
  previous?: Record<string, unknown>,
): void {
  if (state.now < state.recordEventsFrom) return;
  const objectJson = family.jsonOf(id);
  if (objectJson === undefined) return;
  emitJson(state, type, objectJson, previous);
}

export function emitJson(
  state: SandboxState,
  type: string,
  objectJson: string,
  previous?: Record<string, unknown>,
): void {
  if (state.now < state.recordEventsFrom) return;
  const id = state.newId('evt_');
  const prev = previous ? `,"previous_attributes":${JSON.stringify(previous)}` : '';
  const req = state.request;
  const json =
    `{"id":"${id}","object":"event","api_version":"${API_VERSION}","created":${state.now},` +
    `"data":{"object":${objectJson}${prev}},"livemode":false,"pending_webhooks":${state.store.webhook_endpoints.size},` +
    `"request":{"id":${JSON.stringify(req.id)},"idempotency_key":${JSON.stringify(req.idempotencyKey)}},"type":"${type}"}`;
  const event = { id, type, created: state.now, json };
  state.store.events.insert(event);
  for (const listener of state.onEvent) listener(event);
}

/** Marks an object changed and emits its event in one step. */
export function changed(
  state: SandboxState,
  type: string,
  family: AnyFamily,
  id: string,
  previous?: Record<string, unknown>,
): void {
  family.touch(id);
  emit(state, type, family, id, previous);
}
