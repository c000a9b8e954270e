import type { Queryable } from '../db/client.ts';
import { recordAudit } from './audit.ts';
import { verifyPassword } from './passwords.ts';
import { createSession } from './sessions.ts';
import { findUserForLogin, normaliseEmail } from './users.ts';
import { listWorkspacesOf } from './workspaces.ts';

/**
 * Password login with rate limiting: failures are counted per email (since its last success) and
 * per IP over a window, in the store, so several instances share the count.
 */

export interface LoginLimits {
  windowSeconds: number;
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
}

/** An office behind one NAT shares an IP, so the IP limit is looser than the per-email one. */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  windowSeconds: 15 * 60,
  maxFailuresPerEmail: 5,
  maxFailuresPerIp: 20,
};

/** Audit entries for failures with an unknown email have no workspace; they go under this id. */
export const DEPLOYMENT_AUDIT_WORKSPACE = '_deployment';

export type LoginResult =
  | { ok: true; token: string; userId: string; workspaceId: string }
  | { ok: false; reason: 'invalid_credentials' | 'too_many_attempts'; retryAfterSeconds?: number };

async function recentFailures(q: Queryable, email: string, ip: string, limits: LoginLimits) {
  const { rows } = await q.query<{ by_email: number; by_ip: number }>(
    `SELECT
       (SELECT count(*)::int FROM login_attempts a WHERE a.email = $1 AND NOT a.ok
          AND a.at > now() - make_interval(secs => $3)
          AND a.at > coalesce((SELECT max(b.at) FROM login_attempts b WHERE b.email = $1 AND b.ok), '-infinity'))
         AS by_email,
       (SELECT count(*)::int FROM login_attempts WHERE ip = $2 AND NOT ok
          AND at > now() - make_interval(secs => $3)) AS by_ip`,
    [email, ip, limits.windowSeconds],
  );
  return rows[0]!;
}

export async function login(
  q: Queryable,
  input: { email: string; password: string; ip: string; workspaceId?: string },
  limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
): Promise<LoginResult> {
  const email = normaliseEmail(input.email);
  const failures = await recentFailures(q, email, input.ip, limits);
  if (failures.by_email >= limits.maxFailuresPerEmail || failures.by_ip >= limits.maxFailuresPerIp)
    return { ok: false, reason: 'too_many_attempts', retryAfterSeconds: limits.windowSeconds };

  const user = await findUserForLogin(q, email);
  // verifyPassword runs scrypt even for unknown emails, so timing does not reveal which exist.
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? null);
  const workspaces = user ? await listWorkspacesOf(q, user.id) : [];
  const workspace = workspaces.find((w) => w.id === input.workspaceId) ?? workspaces[0];
  const ok = Boolean(user && passwordOk && workspace);
  await q.query('INSERT INTO login_attempts (email, ip, ok) VALUES ($1, $2, $3)', [email, input.ip, ok]);

  const auditWorkspaces = workspaces.length ? workspaces.map((w) => w.id) : [DEPLOYMENT_AUDIT_WORKSPACE];
  for (const workspaceId of ok ? [workspace!.id] : auditWorkspaces) {
    await recordAudit(q, {
      workspaceId,
      actor: user ? `user:${user.id}` : 'anonymous',
      action: ok ? 'login.succeeded' : 'login.failed',
      target: email,
      detail: { ip: input.ip },
    });
  }
  if (!ok) return { ok: false, reason: 'invalid_credentials' };
  const { token } = await createSession(q, { userId: user!.id, workspaceId: workspace!.id });
  return { ok: true, token, userId: user!.id, workspaceId: workspace!.id };
}
