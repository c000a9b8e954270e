import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/client.ts';
import type { Role } from './roles.ts';
import { addMember } from './users.ts';

/** Workspaces: several per deployment, each seeing only its own data. */

export interface Workspace {
  id: string;
  name: string;
  reportingCurrency: string;
  createdAt: Date;
}

interface WorkspaceRow {
  id: string;
  name: string;
  reporting_currency: string;
  created_at: Date;
}

const toWorkspace = (r: WorkspaceRow): Workspace => ({
  id: r.id,
  name: r.name,
  reportingCurrency: r.reporting_currency,
  createdAt: r.created_at,
});

export async function getWorkspace(q: Queryable, id: string): Promise<Workspace | null> {
  const { rows } = await q.query<WorkspaceRow>('SELECT * FROM workspaces WHERE id = $1', [id]);
  return rows[0] ? toWorkspace(rows[0]) : null;
}

/** Creates a workspace with `ownerId` as its owner. */
export async function createWorkspace(
  q: Queryable,
  input: { name: string; reportingCurrency?: string; ownerId: string },
): Promise<Workspace> {
  const { rows } = await q.query<WorkspaceRow>(
    'INSERT INTO workspaces (id, name, reporting_currency) VALUES ($1, $2, $3) RETURNING *',
    [`ws_${randomBytes(8).toString('hex')}`, input.name, (input.reportingCurrency ?? 'usd').toLowerCase()],
  );
  await addMember(q, rows[0]!.id, input.ownerId, 'owner');
  return toWorkspace(rows[0]!);
}

export async function listWorkspacesOf(
  q: Queryable,
  userId: string,
): Promise<(Workspace & { role: Role })[]> {
  const { rows } = await q.query<WorkspaceRow & { role: Role }>(
    `SELECT w.*, m.role FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
     WHERE m.user_id = $1 ORDER BY w.created_at, w.id`,
    [userId],
  );
  return rows.map((r) => ({ ...toWorkspace(r), role: r.role }));
}
