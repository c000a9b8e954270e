import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import Stripe from 'stripe';
import { buildApp } from '../../src/api/app.ts';
import { resolveConfig } from '../../src/config/config.ts';
import { saveConnector } from '../../src/connector/connectors.ts';
import { createVault, type Vault } from '../../src/connector/vault.ts';
import type { Db } from '../../src/db/client.ts';
import { connectorClients } from '../../src/server/stripe-clients.ts';
import type { AfterApplyHook } from '../../src/webhooks/apply-event.ts';
import { createWebhookService, type WebhookService } from '../../src/webhooks/service.ts';
import type { WebhookSettings } from '../../src/webhooks/settings.ts';

/** Test helpers: events shaped like Stripe's, signed by the official SDK (not by our own code). */

const sdk = new Stripe('sk_test_helper');

export function signatureFor(payload: string, secret: string, timestamp?: number): string {
  return sdk.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

let seq = 0;
export function eventId(): string {
  return `evt_${randomBytes(8).toString('hex')}${(seq++).toString(36)}`;
}

export function makeEvent(input: {
  type: string;
  object: Record<string, unknown>;
  created: number;
  id?: string;
  livemode?: boolean;
  apiVersion?: string;
}): Record<string, unknown> {
  return {
    id: input.id ?? eventId(),
    object: 'event',
    api_version: input.apiVersion ?? '2026-10-28.endive',
    created: input.created,
    livemode: input.livemode ?? false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: input.type,
    data: { object: input.object },
  };
}

export interface Harness {
  app: FastifyInstance;
  url: string;
  db: Db;
  vault: Vault;
  registry: Registry;
  webhooks: WebhookService;
  connectorId: string;
  secret: string;
  post(body: string, headers?: Record<string, string>, path?: string): Promise<Response>;
  /** Posts an event signed with the connector's secret. */
  deliver(event: Record<string, unknown>, options?: { secret?: string; path?: string }): Promise<Response>;
  close(): Promise<void>;
}

/** The real app on 127.0.0.1:0 with a connector, an intake and (optionally) workers that tests drive. */
export async function startHarness(
  db: Db,
  options: {
    connectorId?: string;
    apiKey?: string;
    apiBase?: string;
    webhookSecret?: string;
    workers?: number;
    settings?: Partial<WebhookSettings>;
    afterApply?: AfterApplyHook[];
    /** Give the service the connector's real Stripe client (catch-up, tie re-fetches). */
    withClient?: boolean;
  } = {},
): Promise<Harness> {
  const vault = createVault(Buffer.alloc(32, 7));
  const registry = new Registry();
  const connectorId = options.connectorId ?? `conn_${randomBytes(4).toString('hex')}`;
  const secret = options.webhookSecret ?? `whsec_${randomBytes(12).toString('hex')}`;
  await saveConnector(db, vault, {
    id: connectorId,
    workspaceId: 'default',
    apiKey: options.apiKey ?? 'rk_test_abc123',
    apiBase: options.apiBase,
    webhookSecret: secret,
  });
  const webhooks = createWebhookService({
    db,
    vault,
    registry,
    workers: options.workers ?? 0,
    settings: { pollIntervalMs: 50, backoffBaseMs: 20, backoffMaxMs: 100, ...options.settings },
    afterApply: options.afterApply,
    clientFor: options.withClient ? connectorClients({ db, vault }) : undefined,
  });
  const app = await buildApp({
    db,
    vault,
    registry,
    config: resolveConfig({ logLevel: 'silent' }, {}),
    webhooks,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  webhooks.start();
  const post = (
    body: string,
    headers: Record<string, string> = {},
    path = `/webhooks/stripe/${connectorId}`,
  ) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body,
    });
  return {
    app,
    url,
    db,
    vault,
    registry,
    webhooks,
    connectorId,
    secret,
    post,
    deliver(event, o = {}) {
      const body = JSON.stringify(event);
      return post(body, { 'stripe-signature': signatureFor(body, o.secret ?? secret) }, o.path);
    },
    async close() {
      await app.close();
      await webhooks.stop();
    },
  };
}

export async function inboxCount(db: Db, connectorId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM webhook_inbox WHERE connector_id = $1',
    [connectorId],
  );
  return rows[0]!.n;
}

/** Polls until `check` holds (the worker is asynchronous); fails with the last value after `ms`. */
export async function waitFor<T>(read: () => Promise<T>, check: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    if (Date.now() > until) throw new Error(`Timed out waiting; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
