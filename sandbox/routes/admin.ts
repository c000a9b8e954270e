// /_sandbox/… admin routes (secret key only). Bodies may be JSON or form-encoded.
import type { AdminHandle } from '../admin.ts';
import type { Permissions } from '../http/auth.ts';
import { ApiError, invalid } from '../http/errors.ts';
import { ok, type Route } from '../http/router.ts';
import type { FormValue } from '../util/form.ts';

function numberOf(v: FormValue | number | boolean | null | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw invalid(`${name} must be a number`, name);
  return n;
}

function boolOf(v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  return v === true || v === 'true';
}

/** Admin handle errors are input errors: answer 400 with the message. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw invalid(err instanceof Error ? err.message : String(err));
  }
}

export function adminRoutes(admin: AdminHandle): Route[] {
  const r = (method: Route['method'], pattern: string, handler: Route['handler']): Route => ({
    method,
    pattern,
    resource: null,
    access: 'write',
    handler,
  });
  return [
    r('GET', '/_sandbox/clock', () =>
      ok({ now: admin.now(), iso: new Date(admin.now() * 1000).toISOString() }),
    ),
    r('POST', '/_sandbox/clock/advance', (ctx) => {
      const f = ctx.form as Record<string, unknown>;
      const to = numberOf(f['to'] as FormValue, 'to');
      const seconds = numberOf(f['seconds'] as FormValue, 'seconds');
      if (to === undefined && seconds === undefined)
        throw invalid('Give {"seconds": N} or {"to": unix}.', 'seconds');
      const now = guard(() => admin.advance(to !== undefined ? { to } : { seconds: seconds! }));
      return ok({ now, iso: new Date(now * 1000).toISOString() });
    }),
    r('GET', '/_sandbox/counts', () => ok(admin.counts())),
    r('POST', '/_sandbox/faults', (ctx) => {
      const f = ctx.form as Record<string, unknown>;
      guard(() =>
        admin.setFaults({
          fault_rate: numberOf(f['fault_rate'] as FormValue, 'fault_rate'),
          latency_ms: numberOf(f['latency_ms'] as FormValue, 'latency_ms'),
          rate_limit: f['rate_limit'] === null ? null : numberOf(f['rate_limit'] as FormValue, 'rate_limit'),
          endpoint_rate_limit:
            f['endpoint_rate_limit'] === null
              ? null
              : numberOf(f['endpoint_rate_limit'] as FormValue, 'endpoint_rate_limit'),
        }),
      );
      return ok({ ok: true });
    }),
    r('POST', '/_sandbox/keys', (ctx) => {
      const perms = (ctx.form as Record<string, unknown>)['permissions'] ?? {};
      const key = guard(() => admin.createRestrictedKey(perms as Permissions));
      return ok({ key });
    }),
    r('POST', '/_sandbox/keys/:key/revoke', (ctx) => {
      guard(() => admin.revokeKey(ctx.params['key']!));
      return ok({ key: ctx.params['key'], revoked: true });
    }),
    r('POST', '/_sandbox/webhook_secret/roll', (ctx) => {
      const f = ctx.form as Record<string, unknown>;
      const secret = guard(() =>
        admin.rollWebhookSecret({
          expiresInSeconds: numberOf(f['expires_in_seconds'] as FormValue, 'expires_in_seconds') ?? 0,
          endpoint: typeof f['endpoint'] === 'string' ? f['endpoint'] : undefined,
        }),
      );
      return ok({ secret });
    }),
    r('GET', '/_sandbox/deliveries', () => ok({ object: 'list', data: admin.deliveries() })),
    r('POST', '/_sandbox/webhooks/settings', (ctx) => {
      const f = ctx.form as Record<string, unknown>;
      const patch: Record<string, boolean> = {};
      for (const k of ['duplicates', 'out_of_order', 'legacy_shape'] as const) {
        const v = boolOf(f[k]);
        if (v !== undefined) patch[k] = v;
      }
      return ok(admin.setWebhookSettings(patch));
    }),
  ];
}
