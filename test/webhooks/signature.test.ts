import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/webhooks/signature.ts';

/** The Stripe-Signature header as Stripe builds it (the official SDK signs, not our own code). */

const sdk = new Stripe('sk_test_signature');
const body = JSON.stringify({ id: 'evt_sig1', object: 'event', type: 'customer.created' });
const rawBody = Buffer.from(body);
const SECRET = 'whsec_current0000';
const OLD = 'whsec_previous000';
const NOW = 1_800_000_000;

const sign = (secret: string, timestamp = NOW) =>
  sdk.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });
const v1Of = (header: string) => header.split(',').find((p) => p.startsWith('v1='))!;
const verify = (header: string | undefined, secrets = [SECRET]) =>
  verifySignature({ rawBody, header, secrets, toleranceSeconds: 300, nowSeconds: NOW });

describe('Stripe-Signature parsing', () => {
  it('accepts a header signed with the current secret', () => {
    expect(verify(sign(SECRET))).toEqual({ ok: true, timestamp: NOW });
  });

  it('accepts several v1 values (a secret being rolled) when any one matches, in any position', () => {
    const good = v1Of(sign(SECRET));
    const other = v1Of(sign('whsec_someone_else'));
    expect(verify(`t=${NOW},${other},${good}`).ok).toBe(true);
    expect(verify(`t=${NOW},${good},${other}`).ok).toBe(true);
    // Both secrets valid during the rotation window: the old signature alone is enough too.
    expect(verify(sign(OLD), [SECRET, OLD]).ok).toBe(true);
  });

  it('ignores unknown schemes (v0, future ones) and spaces around parts', () => {
    const good = v1Of(sign(SECRET));
    expect(verify(`t=${NOW}, v0=deadbeef, ${good} ,v2=abc`).ok).toBe(true);
  });

  it('refuses a header without a timestamp', () => {
    expect(verify(v1Of(sign(SECRET)))).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('refuses a header without any v1 signature', () => {
    expect(verify(`t=${NOW},v0=${'a'.repeat(64)}`)).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('refuses garbage: no key=value parts, a non-numeric timestamp, a v1 that is not 64 hex digits', () => {
    const good = v1Of(sign(SECRET));
    for (const header of [
      'garbage',
      ',,,',
      '=',
      `t=abc,${good}`,
      `t=${NOW}.5,${good}`,
      `t=${NOW},v1=${'z'.repeat(64)}`,
      `t=${NOW},v1=${good.slice(3, 40)}`,
    ]) {
      expect(verify(header), header).toEqual({ ok: false, reason: 'signature_mismatch' });
    }
  });

  it('answers no_signature_header for a missing or blank header', () => {
    expect(verify(undefined)).toEqual({ ok: false, reason: 'no_signature_header' });
    expect(verify('   ')).toEqual({ ok: false, reason: 'no_signature_header' });
  });

  it('checks the signature before the timestamp, and the tolerance both ways', () => {
    // A forged header with an old timestamp learns nothing about our clock: it is a mismatch.
    expect(verify(sign('whsec_forged', NOW - 1000))).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(verify(sign(SECRET, NOW - 301))).toEqual({ ok: false, reason: 'timestamp_outside_tolerance' });
    expect(verify(sign(SECRET, NOW + 301))).toEqual({ ok: false, reason: 'timestamp_outside_tolerance' });
    expect(verify(sign(SECRET, NOW - 300)).ok).toBe(true);
  });

  it('refuses a signature over other bytes (a re-encoded body)', () => {
    const header = sign(SECRET);
    const reencoded = Buffer.from(JSON.stringify(JSON.parse(body), null, 2));
    const check = verifySignature({
      rawBody: reencoded,
      header,
      secrets: [SECRET],
      toleranceSeconds: 300,
      nowSeconds: NOW,
    });
    expect(check).toEqual({ ok: false, reason: 'signature_mismatch' });
  });
});
