import { createHash, randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../db/client.ts';
import { recordAudit } from './audit.ts';
import { createSession } from './sessions.ts';
import { addMember, countUsers, createUser, PeopleError, setPassword } from './users.ts';

/**
 * One-time links. On first start with no users the console prints a set-up link that creates the
 * workspace owner (there is no default password anywhere). Owners invite members with the same
 * kind of link. Tokens are stored hashed, expire, and work once.
 */

export const SETUP_LINK_TTL_SECONDS = 24 * 3600;
export const OWNER_WORKSPACE = 'default';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function newLinkToken(
  q: Queryable,
  input: { purpose: 'owner' | 'invite'; userId?: string; ttlSeconds?: number },
): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await q.query(
    `INSERT INTO setup_tokens (token_hash, purpose, user_id, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
    [sha256(token), input.purpose, input.userId ?? null, input.ttlSeconds ?? SETUP_LINK_TTL_SECONDS],
  );
  return token;
}

const linkUrl = (baseUrl: string, token: string) => `${baseUrl.replace(/\/+$/, '')}/setup?token=${token}`;

/**
 * The set-up link when the store has no user yet, else null. Each start issues a fresh link and
 * voids the earlier unused ones, so only the latest printed link works.
 */
export async function issueSetupLinkIfNeeded(db: Db, baseUrl: string): Promise<string | null> {
  return db.transaction(async (tx) => {
    if ((await countUsers(tx)) > 0) return null;
    await tx.query(`DELETE FROM setup_tokens WHERE purpose = 'owner' AND used_at IS NULL`);
    return linkUrl(baseUrl, await newLinkToken(tx, { purpose: 'owner' }));
  });
}

export async function setupNeeded(q: Queryable): Promise<boolean> {
  return (await countUsers(q)) === 0;
}

/** An invite link for a member who has no password yet. */
export async function issueInviteLink(q: Queryable, userId: string, baseUrl: string): Promise<string> {
  await q.query(`DELETE FROM setup_tokens WHERE purpose = 'invite' AND user_id = $1 AND used_at IS NULL`, [
    userId,
  ]);
  return linkUrl(baseUrl, await newLinkToken(q, { purpose: 'invite', userId, ttlSeconds: 7 * 24 * 3600 }));
}

/** What a link is for, without using it (the set-up page shows the invited email). */
export async function inspectLink(
  q: Queryable,
  token: string,
): Promise<{ purpose: 'owner' | 'invite'; email: string | null } | null> {
  const { rows } = await q.query<{ purpose: 'owner' | 'invite'; email: string | null }>(
    `SELECT t.purpose, u.email FROM setup_tokens t LEFT JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > now()`,
    [sha256(token)],
  );
  return rows[0] ?? null;
}

/**
 * Uses a link: the owner link creates the first user as owner of the default workspace; an invite
 * link sets the invited member's password. Either way the person is signed in.
 */
export async function completeSetup(
  db: Db,
  input: { token: string; email: string; password: string; name: string },
): Promise<{ sessionToken: string; userId: string; workspaceId: string }> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ purpose: 'owner' | 'invite'; user_id: string | null }>(
      `UPDATE setup_tokens SET used_at = now()
       WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING purpose, user_id`,
      [sha256(input.token)],
    );
    const link = rows[0];
    if (!link)
      throw new PeopleError(
        'invalid_setup_token',
        'This set-up link is unknown, used or expired. Restart the server to print a new one, or ask an owner for a new invite.',
      );
    if (link.purpose === 'owner') {
      if ((await countUsers(tx)) > 0)
        throw new PeopleError('already_set_up', 'The owner already exists; sign in instead');
      const user = await createUser(tx, { email: input.email, name: input.name, password: input.password });
      await addMember(tx, OWNER_WORKSPACE, user.id, 'owner');
      await recordAudit(tx, {
        workspaceId: OWNER_WORKSPACE,
        actor: `user:${user.id}`,
        action: 'setup.owner_created',
        target: user.email,
      });
      const { token } = await createSession(tx, { userId: user.id, workspaceId: OWNER_WORKSPACE });
      return { sessionToken: token, userId: user.id, workspaceId: OWNER_WORKSPACE };
    }
    const { rows: users } = await tx.query<{ id: string; email: string }>(
      'SELECT id, email FROM users WHERE id = $1',
      [link.user_id],
    );
    const user = users[0];
    if (!user || user.email !== input.email.trim().toLowerCase())
      throw new PeopleError('invalid_setup_token', 'This invite was sent to another email address');
    await setPassword(tx, user.id, input.password);
    if (input.name) await tx.query('UPDATE users SET name = $2 WHERE id = $1', [user.id, input.name]);
    const { rows: ws } = await tx.query<{ workspace_id: string }>(
      'SELECT workspace_id FROM memberships WHERE user_id = $1 ORDER BY created_at LIMIT 1',
      [user.id],
    );
    if (!ws[0]) throw new PeopleError('invalid_setup_token', 'This invite no longer grants any workspace');
    const { token } = await createSession(tx, { userId: user.id, workspaceId: ws[0].workspace_id });
    return { sessionToken: token, userId: user.id, workspaceId: ws[0].workspace_id };
  });
}
