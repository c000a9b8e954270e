import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/client.ts';
import { hashPassword, PASSWORD_MIN_LENGTH } from './passwords.ts';
import type { Role } from './roles.ts';

/** Users (one per email across the deployment) and their role in each workspace. */

export interface User {
  id: string;
  email: string;
  name: string;
  hasPassword: boolean;
  createdAt: Date;
}

export interface Member extends User {
  role: Role;
}

export class PeopleError extends Error {
  override name = 'PeopleError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  created_at: Date;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  hasPassword: r.password_hash !== null,
  createdAt: r.created_at,
});

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export function checkPasswordStrength(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH)
    throw new PeopleError(
      'weak_password',
      `Choose a password of at least ${PASSWORD_MIN_LENGTH} characters (a passphrase works well)`,
    );
}

export async function countUsers(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return rows[0]!.n;
}

/** Creates a user; without a password the user signs in after following an invite link. */
export async function createUser(
  q: Queryable,
  input: { email: string; name?: string; password?: string },
): Promise<User> {
  if (input.password !== undefined) checkPasswordStrength(input.password);
  const email = normaliseEmail(input.email);
  const existing = await q.query('SELECT 1 FROM users WHERE email = $1', [email]);
  if (existing.rows.length) throw new PeopleError('email_taken', `A user with email ${email} already exists`);
  const { rows } = await q.query<UserRow>(
    'INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4) RETURNING *',
    [
      `usr_${randomBytes(8).toString('hex')}`,
      email,
      input.name ?? '',
      input.password === undefined ? null : await hashPassword(input.password),
    ],
  );
  return toUser(rows[0]!);
}

export async function setPassword(q: Queryable, userId: string, password: string): Promise<void> {
  checkPasswordStrength(password);
  await q.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, await hashPassword(password)]);
}

/** The user with their stored hash, for login only. */
export async function findUserForLogin(
  q: Queryable,
  email: string,
): Promise<(User & { passwordHash: string | null }) | null> {
  const { rows } = await q.query<UserRow>('SELECT * FROM users WHERE email = $1', [normaliseEmail(email)]);
  return rows[0] ? { ...toUser(rows[0]), passwordHash: rows[0].password_hash } : null;
}

export async function getUser(q: Queryable, id: string): Promise<User | null> {
  const { rows } = await q.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function findUserByEmail(q: Queryable, email: string): Promise<User | null> {
  const { rows } = await q.query<UserRow>('SELECT * FROM users WHERE email = $1', [normaliseEmail(email)]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function roleIn(q: Queryable, workspaceId: string, userId: string): Promise<Role | null> {
  const { rows } = await q.query<{ role: Role }>(
    'SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2',
    [workspaceId, userId],
  );
  return rows[0]?.role ?? null;
}

export async function listMembers(q: Queryable, workspaceId: string): Promise<Member[]> {
  const { rows } = await q.query<UserRow & { role: Role }>(
    `SELECT u.*, m.role FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.workspace_id = $1 ORDER BY m.created_at, u.email`,
    [workspaceId],
  );
  return rows.map((r) => ({ ...toUser(r), role: r.role }));
}

export async function addMember(
  q: Queryable,
  workspaceId: string,
  userId: string,
  role: Role,
): Promise<void> {
  const { rowCount } = await q.query(
    `INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (workspace_id, user_id) DO NOTHING`,
    [workspaceId, userId, role],
  );
  if (rowCount === 0)
    throw new PeopleError('already_member', 'This person is already a member of the workspace');
}

async function ownersLeftWithout(q: Queryable, workspaceId: string, userId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM memberships WHERE workspace_id = $1 AND role = 'owner' AND user_id <> $2`,
    [workspaceId, userId],
  );
  return rows[0]!.n;
}

/** Changes a member's role; the last owner cannot be demoted (the workspace would be unmanageable). */
export async function setMemberRole(
  q: Queryable,
  workspaceId: string,
  userId: string,
  role: Role,
): Promise<boolean> {
  const current = await roleIn(q, workspaceId, userId);
  if (!current) return false;
  if (current === 'owner' && role !== 'owner' && (await ownersLeftWithout(q, workspaceId, userId)) === 0)
    throw new PeopleError('last_owner', 'Make another member owner first: a workspace needs an owner');
  await q.query('UPDATE memberships SET role = $3 WHERE workspace_id = $1 AND user_id = $2', [
    workspaceId,
    userId,
    role,
  ]);
  return true;
}

/** Removes a member and ends their sessions in that workspace. */
export async function removeMember(q: Queryable, workspaceId: string, userId: string): Promise<boolean> {
  const current = await roleIn(q, workspaceId, userId);
  if (!current) return false;
  if (current === 'owner' && (await ownersLeftWithout(q, workspaceId, userId)) === 0)
    throw new PeopleError('last_owner', 'Make another member owner first: a workspace needs an owner');
  await q.query('DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId]);
  await q.query('DELETE FROM sessions WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId]);
  return true;
}
