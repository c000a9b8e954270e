// The sandbox's control panel, used in-process by tests and over HTTP under /_sandbox/.
import { type Permissions, parsePermissions } from './http/auth.ts';
import type { Runtime } from './runtime.ts';
import { FAMILY_NAMES, familyOf } from './store/store.ts';
import { randomToken } from './util/prng.ts';
import type { Delivery, DeliverySettings } from './webhooks/deliver.ts';

export type FaultSettings = {
  fault_rate?: number;
  latency_ms?: number;
  rate_limit?: number | null;
  endpoint_rate_limit?: number | null;
};

export type AdminHandle = {
  /** Current simulated time (unix seconds). */
  now(): number;
  /** Moves the simulated clock forward, running renewals, retries, payouts… that fall due. */
  advance(p: { seconds: number } | { to: number }): number;
  counts(): Record<string, number>;
  createRestrictedKey(permissions: Permissions): string;
  revokeKey(key: string): void;
  setFaults(f: FaultSettings): void;
  /** New signing secret for the webhookUrl target (or an endpoint); the old one signs until expiry. */
  rollWebhookSecret(p?: { expiresInSeconds?: number; endpoint?: string }): string;
  deliveries(): Delivery[];
  /** Resolves once no webhook delivery is queued or in flight. */
  waitForDeliveries(): Promise<void>;
  addWebhookEndpoint(url: string, enabledEvents?: string[]): { id: string; secret: string };
  setWebhookSettings(s: Partial<DeliverySettings>): DeliverySettings;
  /** Live demo clock: every intervalMs real milliseconds, advance stepSeconds simulated seconds. */
  startAutoAdvance(p: { intervalMs: number; stepSeconds: number }): void;
  stopAutoAdvance(): void;
};

export function createAdmin(rt: Runtime): AdminHandle {
  let timer: NodeJS.Timeout | null = null;
  const s = rt.state;
  const handle: AdminHandle = {
    now: () => s.now,
    advance(p) {
      const to = 'to' in p ? p.to : s.now + p.seconds;
      if (!Number.isFinite(to) || to < s.now)
        throw new RangeError('The clock only moves forward: give seconds >= 0 or a later `to`.');
      rt.advanceTo(Math.floor(to));
      return s.now;
    },
    counts() {
      const out: Record<string, number> = {};
      for (const name of FAMILY_NAMES) out[name] = familyOf(s.store, name).size;
      return out;
    },
    createRestrictedKey(permissions) {
      const key = `rk_test_${randomToken(s.rng, 24)}`;
      rt.keys.set(key, {
        key,
        kind: 'restricted',
        permissions: parsePermissions(permissions),
        revoked: false,
      });
      return key;
    },
    revokeKey(key) {
      const k = rt.keys.get(key);
      if (!k) throw new RangeError('Unknown key');
      k.revoked = true;
    },
    setFaults(f) {
      if (f.fault_rate !== undefined) {
        if (!(f.fault_rate >= 0 && f.fault_rate <= 1))
          throw new RangeError('fault_rate must be between 0 and 1');
        rt.faults.faultRate = f.fault_rate;
      }
      if (f.latency_ms !== undefined) {
        if (!(f.latency_ms >= 0)) throw new RangeError('latency_ms must be >= 0');
        rt.faults.latencyMs = f.latency_ms;
      }
      if (f.rate_limit !== undefined) rt.limits.rateLimit = f.rate_limit || null;
      if (f.endpoint_rate_limit !== undefined) rt.limits.endpointRateLimit = f.endpoint_rate_limit || null;
      rt.limiter.configure(rt.limits.rateLimit, rt.limits.endpointRateLimit);
    },
    rollWebhookSecret(p = {}) {
      const list = p.endpoint ? rt.endpointSecrets.get(p.endpoint) : rt.mainSecrets;
      if (!list) throw new RangeError(`Unknown webhook endpoint ${p.endpoint}`);
      const expiresAtMs = Date.now() + (p.expiresInSeconds ?? 0) * 1000;
      for (const old of list)
        if (old.expiresAtMs === null || old.expiresAtMs > expiresAtMs) old.expiresAtMs = expiresAtMs;
      const secret = `whsec_${randomToken(s.rng, 32)}`;
      list.unshift({ secret, expiresAtMs: null });
      return secret;
    },
    deliveries: () => [...rt.dispatcher.log],
    waitForDeliveries: () => rt.dispatcher.idle(),
    addWebhookEndpoint(url, enabledEvents = ['*']) {
      const id = s.newId('we_');
      const secret = `whsec_${randomToken(s.rng, 32)}`;
      s.store.webhook_endpoints.insert({
        id,
        object: 'webhook_endpoint',
        api_version: null,
        application: null,
        created: s.now,
        description: null,
        enabled_events: enabledEvents,
        livemode: false,
        metadata: {},
        status: 'enabled',
        url,
      });
      rt.endpointSecrets.set(id, [{ secret, expiresAtMs: null }]);
      return { id, secret };
    },
    setWebhookSettings(p) {
      rt.dispatcher.settings = { ...rt.dispatcher.settings, ...p };
      return rt.dispatcher.settings;
    },
    startAutoAdvance({ intervalMs, stepSeconds }) {
      handle.stopAutoAdvance();
      timer = setInterval(() => rt.advanceTo(s.now + stepSeconds), intervalMs);
      timer.unref();
    },
    stopAutoAdvance() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
  return handle;
}
