import { afterAll, beforeAll, expect, it } from 'vitest';
import { getConnector, rollWebhookSecret, saveConnector } from '../../src/connector/connectors.ts';
import { createConnectorClients } from '../../src/server/stripe-clients.ts';
import type { StripeEvent } from '../../src/webhooks/event.ts';
import { createGroupInsert } from '../../src/webhooks/inbox/group-insert.ts';
import { readIntakeStats } from '../../src/webhooks/intake-stats.ts';
import { describeEachStore } from '../support/stores.ts';
import { type Harness, inboxCount, makeEvent, signatureFor, startHarness } from './support.ts';

const now = () => Math.floor(Date.now() / 1000);
const customer = (id = 'cus_intake1') => ({ id, object: 'customer', email: 'a@acme.test', livemode: false });

describeEachStore('webhook intake', ({ store }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(store().db);
  });
  afterAll(async () => {
    await h.close();
  });

  const expectRejected = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
  };

  it('commits a signed event to the inbox, redacted, before answering 2xx', async () => {
    const event = makeEvent({
      type: 'customer.created',
      created: now(),
      object: { ...customer(), metadata: { note: 'card 4242 4242 4242 4242' } },
    });
    const res = await h.deliver(event);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: true, duplicate: false, id: event.id });
    const { rows } = await h.db.query<{
      status: string;
      type: string;
      payload: { data: { object: { metadata: { note: string } } } };
    }>('SELECT status, type, payload FROM webhook_inbox WHERE connector_id = $1 AND event_id = $2', [
      h.connectorId,
      event.id,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.type).toBe('customer.created');
    expect(rows[0]!.payload.data.object.metadata.note).not.toContain('4242 4242 4242 4242');
  });

  it('answers a duplicate delivery 2xx and keeps one inbox row', async () => {
    const before = await inboxCount(h.db, h.connectorId);
    const event = makeEvent({ type: 'customer.updated', created: now(), object: customer() });
    expect((await h.deliver(event)).status).toBe(200);
    const again = await h.deliver(event);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(await inboxCount(h.db, h.connectorId)).toBe(before + 1);
  });

  it('answers 400 no_signature_header and stores nothing', async () => {
    const before = await inboxCount(h.db, h.connectorId);
    const body = JSON.stringify(makeEvent({ type: 'customer.created', created: now(), object: customer() }));
    await expectRejected(await h.post(body), 400, 'no_signature_header');
    expect(await inboxCount(h.db, h.connectorId)).toBe(before);
  });

  it('answers 400 signature_mismatch for a wrong secret or a re-encoded body, and stores nothing', async () => {
    const before = await inboxCount(h.db, h.connectorId);
    const event = makeEvent({ type: 'customer.created', created: now(), object: customer() });
    await expectRejected(
      await h.deliver(event, { secret: 'whsec_not_the_right_one' }),
      400,
      'signature_mismatch',
    );
    const body = JSON.stringify(event);
    const header = signatureFor(body, h.secret);
    const pretty = JSON.stringify(event, null, 2);
    await expectRejected(await h.post(pretty, { 'stripe-signature': header }), 400, 'signature_mismatch');
    await expectRejected(await h.post(body, { 'stripe-signature': 'garbage' }), 400, 'signature_mismatch');
    expect(await inboxCount(h.db, h.connectorId)).toBe(before);
  });

  it('answers 400 timestamp_outside_tolerance past 300 s, and stores nothing', async () => {
    const before = await inboxCount(h.db, h.connectorId);
    const body = JSON.stringify(makeEvent({ type: 'customer.created', created: now(), object: customer() }));
    const old = signatureFor(body, h.secret, now() - 301);
    await expectRejected(await h.post(body, { 'stripe-signature': old }), 400, 'timestamp_outside_tolerance');
    const future = signatureFor(body, h.secret, now() + 400);
    await expectRejected(
      await h.post(body, { 'stripe-signature': future }),
      400,
      'timestamp_outside_tolerance',
    );
    expect(await inboxCount(h.db, h.connectorId)).toBe(before);
  });

  it('answers 400 malformed_payload for a signed body that is not an event, and stores nothing', async () => {
    const before = await inboxCount(h.db, h.connectorId);
    for (const body of ['{not json', JSON.stringify({ id: 'evt_1', object: 'event' }), '[]']) {
      await expectRejected(
        await h.post(body, { 'stripe-signature': signatureFor(body, h.secret) }),
        400,
        'malformed_payload',
      );
    }
    expect(await inboxCount(h.db, h.connectorId)).toBe(before);
  });

  it('answers 400 livemode_mismatch for a live event on a test-mode connector, and stores nothing', async () => {
    const before = await inboxCount(h.db, h.connectorId);
    const event = makeEvent({ type: 'customer.created', created: now(), object: customer(), livemode: true });
    await expectRejected(await h.deliver(event), 400, 'livemode_mismatch');
    expect(await inboxCount(h.db, h.connectorId)).toBe(before);
  });

  it('answers 404 for an unknown connector and 413 past 1 MB, storing nothing', async () => {
    const { rows } = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_inbox');
    const event = makeEvent({ type: 'customer.created', created: now(), object: customer() });
    await expectRejected(
      await h.deliver(event, { path: '/webhooks/stripe/conn_nope' }),
      404,
      'connector_not_found',
    );
    const big = JSON.stringify({ ...event, padding: 'x'.repeat(1024 * 1024) });
    await expectRejected(
      await h.post(big, { 'stripe-signature': signatureFor(big, h.secret) }),
      413,
      'payload_too_large',
    );
    const after = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_inbox');
    expect(after.rows[0]!.n).toBe(rows[0]!.n);
  });

  it('accepts the previous signing secret during rotation, and the new one at once', async () => {
    const newSecret = `whsec_rotated${Date.now()}`;
    await rollWebhookSecret(h.db, h.vault, h.connectorId, newSecret, 3600);
    const a = makeEvent({ type: 'customer.updated', created: now(), object: customer() });
    const b = makeEvent({ type: 'customer.updated', created: now(), object: customer() });
    expect((await h.deliver(a, { secret: newSecret })).status).toBe(200);
    expect((await h.deliver(b, { secret: h.secret })).status).toBe(200);
  });

  it('marks the connector connected on its first valid event, and counts deliveries by outcome', async () => {
    const c = await getConnector(h.db, h.connectorId);
    expect(c?.status).toBe('connected');
    await h.webhooks.stats.flush();
    const stats = await readIntakeStats(h.db, h.connectorId);
    expect(stats.accepted).toBeGreaterThanOrEqual(4);
    expect(stats.duplicates).toBe(1);
    expect(stats.rejected).toMatchObject({
      no_signature_header: 1,
      signature_mismatch: 3,
      timestamp_outside_tolerance: 2,
      malformed_payload: 3,
      livemode_mismatch: 1,
    });
    expect(stats.lastEventReceivedAt).toBeInstanceOf(Date);
    expect((await getConnector(h.db, h.connectorId))?.lastEventAt).toBeInstanceOf(Date);
    const metrics = await h.registry.metrics();
    expect(metrics).toMatch(
      /atlas_webhook_events_rejected_total\{connector="[^"]+",reason="signature_mismatch"\} 3/,
    );
    expect(metrics).toContain('atlas_webhook_events_duplicate_total');
  });

  it('routes /webhooks/stripe to the single connector, and asks for the per-connector URL when there are several', async () => {
    // This suite's store holds one connector in the default workspace so far.
    const event = makeEvent({ type: 'customer.updated', created: now(), object: customer() });
    expect((await h.deliver(event, { path: '/webhooks/stripe' })).status).toBe(200);
    await saveConnector(h.db, h.vault, { id: 'conn_second', workspaceId: 'default', apiKey: 'rk_test_two' });
    h.webhooks.connectors.invalidate();
    const other = makeEvent({ type: 'customer.updated', created: now(), object: customer() });
    const res = await h.deliver(other, { path: '/webhooks/stripe' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      '/webhooks/stripe/',
    );
  });

  it('group commit: concurrent deliveries share one INSERT; duplicates inside a group are reported once', async () => {
    const insert = createGroupInsert({ db: h.db, maxRows: 4, maxDelayMs: 1000, maxInFlight: 1 });
    const input = (event: Record<string, unknown>) => ({
      workspaceId: 'default',
      connectorId: h.connectorId,
      event: event as StripeEvent,
      source: 'webhook' as const,
    });
    const a = makeEvent({ type: 'customer.updated', created: now(), object: customer('cus_group1') });
    const b = makeEvent({ type: 'customer.updated', created: now(), object: customer('cus_group2') });
    const c = makeEvent({ type: 'customer.updated', created: now(), object: customer('cus_group3') });
    // Four at once fill a group (maxRows 4): one statement, answered together.
    const answers = await Promise.all([
      insert(input(a)),
      insert(input(b)),
      insert(input(a)),
      insert(input(c)),
    ]);
    expect(answers).toEqual(['inserted', 'inserted', 'duplicate', 'inserted']);
    expect(
      await Promise.all([insert(input(b)), insert(input(c)), insert(input(a)), insert(input(b))]),
    ).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
  });

  it('group commit: a group that fails is refused whole (each request 503), nothing of it stored', async () => {
    const insert = createGroupInsert({ db: h.db, maxRows: 3, maxDelayMs: 1000, maxInFlight: 1 });
    const before = await inboxCount(h.db, h.connectorId);
    const event = (id: string, email: string) =>
      makeEvent({ type: 'customer.updated', created: now(), object: { ...customer(id), email } });
    // PostgreSQL refuses \u0000 inside jsonb: a real store error for one row of the group.
    const group = [
      event('cus_g1', 'ok@acme.test'),
      event('cus_g2', 'bad\u0000@acme.test'),
      event('cus_g3', 'ok@acme.test'),
    ];
    const settledAnswers = await Promise.allSettled(
      group.map((e) =>
        insert({
          workspaceId: 'default',
          connectorId: h.connectorId,
          event: e as StripeEvent,
          source: 'webhook',
        }),
      ),
    );
    expect(settledAnswers.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await inboxCount(h.db, h.connectorId)).toBe(before);

    // Over HTTP the refused delivery answers 503 with Retry-After, so Stripe delivers it again.
    const res = await h.deliver(event('cus_g4', 'bad\u0000@acme.test'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('store_unavailable');
    expect(await inboxCount(h.db, h.connectorId)).toBe(before);
  });

  it('keeps one Stripe client per connector, and a new one when the key is rolled, even with the same last four', async () => {
    const clients = createConnectorClients({ db: h.db, vault: h.vault });
    const id = 'conn_clients';
    const saved = await saveConnector(h.db, h.vault, {
      id,
      workspaceId: 'default',
      apiKey: 'rk_test_firstkey0000abcd',
    });
    const first = await clients.clientFor(id);
    expect(first).not.toBeNull();
    expect(await clients.clientFor(id)).toBe(first);
    const rolled = await saveConnector(h.db, h.vault, {
      id,
      workspaceId: 'default',
      apiKey: 'rk_test_otherkey9999abcd',
    });
    expect(rolled.apiKeyMask).toBe(saved.apiKeyMask); // the mask cannot tell the two keys apart
    const second = await clients.clientFor(id);
    expect(second).not.toBe(first);
    expect(await clients.clientFor(id)).toBe(second);
    expect(await clients.clientFor('conn_missing')).toBeNull();
  });
});
