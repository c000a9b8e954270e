import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, where v1 = HMAC-SHA256("<t>.<raw body>") keyed
 * by the signing secret. Checked on the raw bytes before anything parses them, against every secret
 * valid now (rotation keeps the old one for a window). The signature is checked before the timestamp,
 * so a forged request learns nothing about our clock.
 */

export type SignatureFailure = 'no_signature_header' | 'signature_mismatch' | 'timestamp_outside_tolerance';

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure };

export interface VerifyOptions {
  rawBody: Buffer;
  header: string | undefined;
  secrets: readonly string[];
  toleranceSeconds: number;
  /** Seconds since the epoch (injectable for tests). */
  nowSeconds?: number;
}

interface ParsedHeader {
  timestamp: number;
  signatures: Buffer[];
}

function parseHeader(header: string): ParsedHeader | null {
  let timestamp = Number.NaN;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') timestamp = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  return Number.isFinite(timestamp) && signatures.length > 0 ? { timestamp, signatures } : null;
}

export function computeSignature(secret: string, timestamp: number, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

export function verifySignature(options: VerifyOptions): SignatureCheck {
  const header = options.header?.trim();
  if (!header) return { ok: false, reason: 'no_signature_header' };
  const parsed = parseHeader(header);
  if (!parsed) return { ok: false, reason: 'signature_mismatch' };
  const matches = options.secrets.some((secret) => {
    const expected = computeSignature(secret, parsed.timestamp, options.rawBody);
    return parsed.signatures.some((s) => s.length === expected.length && timingSafeEqual(s, expected));
  });
  if (!matches) return { ok: false, reason: 'signature_mismatch' };
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  // Both directions: a timestamp from the future is as suspicious as a replayed old one.
  if (Math.abs(now - parsed.timestamp) > options.toleranceSeconds) {
    return { ok: false, reason: 'timestamp_outside_tolerance' };
  }
  return { ok: true, timestamp: parsed.timestamp };
}

/** Builds a header the way Stripe does (tests, benchmarks, the catch-up-free replay tools). */
export function signPayload(options: {
  payload: string | Buffer;
  secret: string;
  timestamp?: number;
}): string {
  const t = options.timestamp ?? Math.floor(Date.now() / 1000);
  const body = typeof options.payload === 'string' ? Buffer.from(options.payload) : options.payload;
  return `t=${t},v1=${computeSignature(options.secret, t, body).toString('hex')}`;
}
