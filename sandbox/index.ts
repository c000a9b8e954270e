// startSandbox(): a local, stateful, Stripe-compatible API server with a simulated clock.
import type { AddressInfo } from 'node:net';
import { type AdminHandle, createAdmin } from './admin.ts';
import { advanceTo, runDue } from './engine/clock.ts';
import { startPayoutSchedule } from './engine/payouts.ts';
import { createState } from './engine/state.ts';
import { generateAccount } from './generator/generate.ts';
import { type ApiKey, type Permissions, RESOURCES } from './http/auth.ts';
import { RateLimiter } from './http/ratelimit.ts';
import { Router } from './http/router.ts';
import { createHttpServer } from './http/server.ts';
import { resolveOptions, type SandboxOptions } from './options.ts';
import { adminRoutes } from './routes/admin.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { customerRoutes } from './routes/customers.ts';
import { eventRoutes } from './routes/events.ts';
import { invoiceRoutes } from './routes/invoices.ts';
import { paymentRoutes } from './routes/payments.ts';
import { subscriptionRoutes } from './routes/subscriptions.ts';
import type { Runtime } from './runtime.ts';
import { createRng, randomToken } from './util/prng.ts';
import { WebhookDispatcher } from './webhooks/deliver.ts';

export type { AdminHandle } from './admin.ts';
export type { SandboxOptions } from './options.ts';

export type Sandbox = {
  apiBase: string;
  host: string;
  port: number;
  secretKey: string;
  restrictedKey: string;
  webhookSecret: string;
  admin: AdminHandle;
  close(): Promise<void>;
};

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const o = resolveOptions(options);
  const state = createState({ seed: o.seed, now: o.now, failedPaymentAction: o.failedPaymentAction });
  if (o.customers > 0) generateAccount(state, { customers: o.customers, seed: o.seed });
  else startPayoutSchedule(state, state.now);

  // Keys come from their own generator so that they never shift the data's random stream.
  const keyRng = createRng(o.seed ^ 0x5eed);
  const secretKey = `sk_test_${randomToken(keyRng, 24)}`;
  const restrictedKey = `rk_test_${randomToken(keyRng, 24)}`;
  const webhookSecret = `whsec_${randomToken(keyRng, 32)}`;
  const keys = new Map<string, ApiKey>([
    [secretKey, { key: secretKey, kind: 'secret', permissions: {}, revoked: false }],
    [
      restrictedKey,
      { key: restrictedKey, kind: 'restricted', permissions: readEverything(), revoked: false },
    ],
  ]);
  const limiter = new RateLimiter();
  limiter.configure(o.rateLimit, o.endpointRateLimit);
  const onTaskError = (err: unknown) => console.error('[sandbox] scheduled task failed:', err);
  const mainSecrets = [{ secret: webhookSecret, expiresAtMs: null }];
  const endpointSecrets: Runtime['endpointSecrets'] = new Map();
  const dispatcher = new WebhookDispatcher({
    retrySchedule: o.webhookRetrySchedule,
    timeoutMs: o.webhookTimeoutMs,
    rng: createRng(o.seed ^ 0xbeef),
    lookup: (id) => {
      const json = state.store.payment_intents.jsonOf(id);
      return json ? (JSON.parse(json) as Record<string, unknown>) : undefined;
    },
    targets: () => {
      const out = [];
      if (o.webhookUrl)
        out.push({ id: 'webhook_url', url: o.webhookUrl, enabledEvents: ['*'], secrets: mainSecrets });
      for (const we of state.store.webhook_endpoints.all()) {
        if (we.status !== 'enabled') continue;
        out.push({
          id: we.id,
          url: we.url,
          enabledEvents: we.enabled_events,
          secrets: endpointSecrets.get(we.id) ?? [],
        });
      }
      return out;
    },
  });
  const rt: Runtime = {
    state,
    keys,
    limiter,
    limits: { rateLimit: o.rateLimit, endpointRateLimit: o.endpointRateLimit },
    faults: { faultRate: o.faultRate, latencyMs: o.latencyMs },
    dispatcher,
    mainSecrets,
    webhookUrl: o.webhookUrl,
    endpointSecrets,
    advanceTo: (t) => advanceTo(state, t, onTaskError),
  };
  state.onEvent.push((e) => rt.dispatcher.enqueue(e));
  const admin = createAdmin(rt);

  const router = new Router();
  router.add([
    ...customerRoutes,
    ...catalogRoutes,
    ...subscriptionRoutes,
    ...invoiceRoutes,
    ...paymentRoutes,
    ...eventRoutes(rt),
    ...adminRoutes(admin),
  ]);
  const server = createHttpServer({
    state,
    router,
    keys,
    limiter,
    faults: rt.faults,
    afterRequest: () => runDue(state, onTaskError),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    apiBase: `http://${hostForUrl}:${port}`,
    host: o.host,
    port,
    secretKey,
    restrictedKey,
    webhookSecret,
    admin,
    async close() {
      admin.stopAutoAdvance();
      rt.dispatcher.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readEverything(): Permissions {
  const out: Permissions = {};
  for (const r of RESOURCES) out[r] = 'read';
  return out;
}
