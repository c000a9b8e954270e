import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/client.ts';
import type { Role } from './roles.ts';

/**
 * Browser sessions. The cookie holds a random token; the store keeps only its SHA-256, so a dump
 * of the database cannot be replayed. The CSRF token is derived from the session token (HMAC), so
 * it is bound to the session, needs no storage, and cannot be computed without the cookie.
 */

export const SESSION_COOKIE = 'atlas_session';
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('atlas-csrf').digest('base64url');
}

export function csrfMatches(sessionToken: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface Session {
  id: string;
  userId: string;
  workspaceId: string;
  role: Role;
  expiresAt: Date;
}

export async function createSession(
  q: Queryable,
  input: { userId: string; workspaceId: string; ttlSeconds?: number },
): Promise<{ token: string; session: { id: string; expiresAt: Date } }> {
  const token = randomBytes(32).toString('base64url');
  const id = `ses_${randomBytes(8).toString('hex')}`;
  const { rows } = await q.query<{ expires_at: Date }>(
    `INSERT INTO sessions (id, token_hash, user_id, workspace_id, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING expires_at`,
    [id, sha256(token), input.userId, input.workspaceId, input.ttlSeconds ?? SESSION_TTL_SECONDS],
  );
  return { token, session: { id, expiresAt: rows[0]!.expires_at } };
}

/** The live session for a cookie token, with the user's current role (null when expired or removed). */
export async function resolveSession(q: Queryable, token: string): Promise<Session | null> {
  const { rows } = await q.query<{
    id: string;
    user_id: string;
    workspace_id: string;
    role: Role;
    expires_at: Date;
  }>(
    `UPDATE sessions s SET last_seen_at = now()
     FROM memberships m
     WHERE s.token_hash = $1 AND s.expires_at > now()
       AND m.workspace_id = s.workspace_id AND m.user_id = s.user_id
     RETURNING s.id, s.user_id, s.workspace_id, m.role, s.expires_at`,
    [sha256(token)],
  );
  const r = rows[0];
  return r
    ? { id: r.id, userId: r.user_id, workspaceId: r.workspace_id, role: r.role, expiresAt: r.expires_at }
    : null;
}

export async function endSession(q: Queryable, token: string): Promise<void> {
  await q.query('DELETE FROM sessions WHERE token_hash = $1', [sha256(token)]);
}

/** Points the session at another workspace the user belongs to. */
export async function switchSessionWorkspace(
  q: Queryable,
  token: string,
  workspaceId: string,
): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE sessions s SET workspace_id = $2 WHERE s.token_hash = $1
       AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = s.user_id AND m.workspace_id = $2)`,
    [sha256(token), workspaceId],
  );
  return rowCount > 0;
}
