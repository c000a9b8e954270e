import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/client.ts';
import { recordAudit } from './audit.ts';

/**
 * API tokens: shown once at creation, stored as SHA-256 (a token is 32 random bytes, so a fast hash
 * is enough; passwords use scrypt). The prefix identifies a token in lists without revealing it.
 */

export type TokenScope = 'read' | 'write';

export interface ApiTokenInfo {
  id: string;
  workspaceId: string;
  name: string;
  scope: TokenScope;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface Principal {
  workspaceId: string;
  scope: TokenScope;
  tokenId: string;
}

export class TokenError extends Error {
  override name = 'TokenError';
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createApiToken(
  q: Queryable,
  input: { workspaceId: string; name: string; scope?: TokenScope; actor?: string },
): Promise<{ token: string; info: ApiTokenInfo }> {
  const ws = await q.query('SELECT 1 FROM workspaces WHERE id = $1', [input.workspaceId]);
  if (ws.rows.length === 0) throw new TokenError(`No workspace "${input.workspaceId}"`);
  const token = `atls_${randomBytes(32).toString('base64url')}`;
  const id = `tok_${randomBytes(8).toString('hex')}`;
  const prefix = token.slice(0, 10);
  const { rows } = await q.query<TokenRow>(
    `INSERT INTO api_tokens (id, workspace_id, name, scope, token_hash, token_prefix)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [id, input.workspaceId, input.name, input.scope ?? 'write', hash(token), prefix],
  );
  await recordAudit(q, {
    workspaceId: input.workspaceId,
    actor: input.actor ?? 'cli',
    action: 'token.created',
    target: id,
    detail: { name: input.name, scope: input.scope ?? 'write' },
  });
  return { token, info: toInfo(rows[0]!) };
}

/** The principal a bearer token stands for, or null when unknown or revoked. */
export async function verifyApiToken(q: Queryable, token: string): Promise<Principal | null> {
  if (!token.startsWith('atls_')) return null;
  const { rows } = await q.query<{ id: string; workspace_id: string; scope: TokenScope }>(
    `UPDATE api_tokens SET last_used_at = now() WHERE token_hash = $1 AND revoked_at IS NULL
     RETURNING id, workspace_id, scope`,
    [hash(token)],
  );
  const r = rows[0];
  return r ? { workspaceId: r.workspace_id, scope: r.scope, tokenId: r.id } : null;
}

/** Revokes by id (`tok_…`) or by the token itself. Answers false when nothing matched. */
export async function revokeApiToken(
  q: Queryable,
  idOrToken: string,
  options: { workspaceId?: string; actor?: string } = {},
): Promise<boolean> {
  const { rows } = await q.query<{ id: string; workspace_id: string }>(
    `UPDATE api_tokens SET revoked_at = now()
     WHERE (id = $1 OR token_hash = $2) AND revoked_at IS NULL AND ($3::text IS NULL OR workspace_id = $3)
     RETURNING id, workspace_id`,
    [idOrToken, hash(idOrToken), options.workspaceId ?? null],
  );
  const r = rows[0];
  if (!r) return false;
  await recordAudit(q, {
    workspaceId: r.workspace_id,
    actor: options.actor ?? 'cli',
    action: 'token.revoked',
    target: r.id,
  });
  return true;
}

export async function listApiTokens(q: Queryable, workspaceId: string): Promise<ApiTokenInfo[]> {
  const { rows } = await q.query<TokenRow>(
    'SELECT * FROM api_tokens WHERE workspace_id = $1 ORDER BY created_at',
    [workspaceId],
  );
  return rows.map(toInfo);
}

interface TokenRow {
  id: string;
  workspace_id: string;
  name: string;
  scope: TokenScope;
  token_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

function toInfo(r: TokenRow): ApiTokenInfo {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    scope: r.scope,
    prefix: r.token_prefix,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}
