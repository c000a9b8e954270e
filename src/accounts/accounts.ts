// CRM account records: create, update, read, list (with posture), delete.

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { normaliseDomain } from './free-mail.ts';

export const accountFields = z.object({
  name: z.string().trim().min(1, 'name is required').max(200),
  domain: z
    .string()
    .trim()
    .max(253)
    .transform((d) => (d === '' ? null : normaliseDomain(d)))
    .refine((d) => d === null || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d), 'domain must look like example.com')
    .nullish(),
  external_id: z.string().trim().min(1).max(200).nullish(),
  owner: z.string().trim().min(1).max(200).nullish(),
});

export type AccountFields = z.output<typeof accountFields>;

export interface AccountRow {
  id: string;
  workspace_id: string;
  name: string;
  domain: string | null;
  external_id: string | null;
  owner: string | null;
  connector_id: string | null;
  created_at: string;
}

export class AccountConflictError extends Error {
  readonly code = 'external_id_taken';
}

export function newAccountId(): string {
  return `acc_${randomBytes(10).toString('hex')}`;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

export async function createAccount(
  q: Queryable,
  workspaceId: string,
  fields: AccountFields,
): Promise<AccountRow> {
  try {
    const { rows } = await q.query<AccountRow>(
      `INSERT INTO accounts (id, workspace_id, name, domain, external_id, owner) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING *`,
      [
        newAccountId(),
        workspaceId,
        fields.name,
        fields.domain ?? null,
        fields.external_id ?? null,
        fields.owner ?? null,
      ],
    );
    return rows[0]!;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AccountConflictError(`Another account already has external id "${fields.external_id}"`, {
        cause: error,
      });
    }
    throw error;
  }
}

export async function getAccount(q: Queryable, workspaceId: string, id: string): Promise<AccountRow | null> {
  const { rows } = await q.query<AccountRow>('SELECT * FROM accounts WHERE workspace_id = $1 AND id = $2', [
    workspaceId,
    id,
  ]);
  return rows[0] ?? null;
}

export async function updateAccount(
  q: Queryable,
  workspaceId: string,
  id: string,
  fields: Partial<AccountFields>,
): Promise<AccountRow | null> {
  const sets: string[] = [];
  const params: unknown[] = [workspaceId, id];
  for (const key of ['name', 'domain', 'external_id', 'owner'] as const) {
    if (fields[key] === undefined) continue;
    params.push(fields[key]);
    sets.push(`${key} = $${params.length}`);
  }
  if (sets.length === 0) return getAccount(q, workspaceId, id);
  try {
    const { rows } = await q.query<AccountRow>(
      `UPDATE accounts SET ${sets.join(', ')}, updated_at = now() WHERE workspace_id = $1 AND id = $2 RETURNING *`,
      params,
    );
    return rows[0] ?? null;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AccountConflictError(`Another account already has external id "${fields.external_id}"`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Deletes the account; its customer links go with it (they relink on the next sync or recompute). */
export async function deleteAccount(q: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const { rowCount } = await q.query('DELETE FROM accounts WHERE workspace_id = $1 AND id = $2', [
    workspaceId,
    id,
  ]);
  return rowCount > 0;
}
