// Stripe-Signature: `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, one v1 per valid secret while a
// secret is being rolled.
import { createHmac } from 'node:crypto';

export function signatureHeader(body: string, secrets: string[], timestamp: number): string {
  const parts = [`t=${timestamp}`];
  for (const secret of secrets) {
    parts.push(`v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  }
  return parts.join(',');
}

export type RollingSecret = { secret: string; expiresAtMs: number | null };

/** Secrets that still sign: the current one plus rolled ones until their expiry (real time). */
export function validSecrets(secrets: RollingSecret[], nowMs: number): string[] {
  return secrets.filter((s) => s.expiresAtMs === null || s.expiresAtMs > nowMs).map((s) => s.secret);
}
