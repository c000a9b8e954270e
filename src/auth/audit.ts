import type { Queryable } from '../db/client.ts';

/** Security-relevant actions (login, tokens, connect, key rolled, disconnect), readable by owners. */

export interface AuditEntry {
  workspaceId: string;
  actor: string;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown>;
}

export async function recordAudit(q: Queryable, entry: AuditEntry): Promise<void> {
  await q.query(
    'INSERT INTO audit_log (workspace_id, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5::jsonb)',
    [entry.workspaceId, entry.actor, entry.action, entry.target ?? null, JSON.stringify(entry.detail ?? {})],
  );
}

export async function listAudit(
  q: Queryable,
  workspaceId: string,
  limit = 100,
): Promise<(AuditEntry & { id: number; at: Date })[]> {
  const { rows } = await q.query<{
    id: number;
    workspace_id: string;
    actor: string;
    action: string;
    target: string | null;
    detail: Record<string, unknown>;
    at: Date;
  }>('SELECT * FROM audit_log WHERE workspace_id = $1 ORDER BY at DESC, id DESC LIMIT $2', [
    workspaceId,
    limit,
  ]);
  return rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    actor: r.actor,
    action: r.action,
    target: r.target,
    detail: r.detail,
    at: r.at,
  }));
}
