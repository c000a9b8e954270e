// Accounts with their stored posture, as the API and the UI list them (AccountSummary).

import { z } from 'zod';
import { formatMoney } from '../billing/money.ts';
import type { Reason } from '../billing/types.ts';
import type { Queryable } from '../db/client.ts';

export const HEALTH_VALUES = [
  'no_billing',
  'churned',
  'delinquent',
  'at_risk',
  'trialing',
  'healthy',
] as const;

export const listQuery = z.object({
  health: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((h) => h.trim()) : undefined))
    .pipe(z.array(z.enum(HEALTH_VALUES)).optional()),
  q: z.string().trim().max(200).optional(),
  sort: z.enum(['name', '-name', 'mrr', '-mrr', 'health', 'days_past_due', '-days_past_due']).default('name'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^o\d+$/, 'cursor must be a next_cursor value from a previous page')
    .optional(),
});

export type ListQuery = z.output<typeof listQuery>;

export interface AccountSummary {
  id: string;
  name: string;
  domain: string | null;
  owner: string | null;
  external_id: string | null;
  health: string;
  reasons: { code: string; message: string }[];
  mrr: { amount: number; currency: string; formatted: string } | null;
  mrr_error?: string;
  mrr_error_message?: string;
  mrr_by_currency: Record<string, number>;
  payment_status: string;
  days_past_due: number;
  computed_at: string | null;
}

interface SummaryRow {
  id: string;
  name: string;
  domain: string | null;
  owner: string | null;
  external_id: string | null;
  health: string | null;
  reasons: Reason[] | null;
  mrr_by_currency: Record<string, number> | null;
  mrr_reporting: number | null;
  mrr_error: string | null;
  mrr_error_message: string | null;
  reporting_currency: string;
  payment_status: string | null;
  days_past_due: number | null;
  computed_at: string | Date | null;
}

// Worst first: the order an account owner triages in.
const HEALTH_RANK = `CASE coalesce(p.health, 'no_billing') WHEN 'delinquent' THEN 0 WHEN 'at_risk' THEN 1
  WHEN 'churned' THEN 2 WHEN 'trialing' THEN 3 WHEN 'healthy' THEN 4 ELSE 5 END`;

const ORDER: Record<ListQuery['sort'], string> = {
  name: 'lower(a.name), a.id',
  '-name': 'lower(a.name) DESC, a.id',
  mrr: 'coalesce(p.mrr_reporting, 0), a.id',
  '-mrr': 'coalesce(p.mrr_reporting, 0) DESC, a.id',
  health: `${HEALTH_RANK}, lower(a.name), a.id`,
  days_past_due: 'coalesce(p.days_past_due, 0), a.id',
  '-days_past_due': 'coalesce(p.days_past_due, 0) DESC, a.id',
};

const SELECT = `SELECT a.id, a.name, a.domain, a.owner, a.external_id, p.health, p.reasons, p.mrr_by_currency,
  p.mrr_reporting, p.mrr_error, p.mrr_error_message, w.reporting_currency, p.payment_status, p.days_past_due,
  p.computed_at
  FROM accounts a JOIN workspaces w ON w.id = a.workspace_id
  LEFT JOIN account_posture p ON p.account_id = a.id`;

export function toSummary(r: SummaryRow): AccountSummary {
  const currency = r.reporting_currency.toLowerCase();
  // No posture yet (never computed, or its connector was disconnected): nothing is linked.
  const health = r.health ?? 'no_billing';
  const reasons = r.reasons ?? [
    { code: 'no_customer', message: 'No Stripe customer is linked to this account', evidence: {} },
  ];
  const summary: AccountSummary = {
    id: r.id,
    name: r.name,
    domain: r.domain,
    owner: r.owner,
    external_id: r.external_id,
    health,
    reasons: reasons.map((x) => ({ code: x.code, message: x.message })),
    mrr: r.mrr_error
      ? null
      : { amount: r.mrr_reporting ?? 0, currency, formatted: formatMoney(r.mrr_reporting ?? 0, currency) },
    mrr_by_currency: r.mrr_by_currency ?? {},
    payment_status: r.payment_status ?? 'current',
    days_past_due: r.days_past_due ?? 0,
    computed_at: r.computed_at ? new Date(r.computed_at).toISOString() : null,
  };
  if (r.mrr_error) {
    summary.mrr_error = r.mrr_error;
    summary.mrr_error_message = r.mrr_error_message ?? undefined;
  }
  return summary;
}

/** A page of accounts. The cursor is an offset ("o<n>"): simple, and stable for a fixed sort. */
export async function listAccounts(
  q: Queryable,
  workspaceId: string,
  query: ListQuery,
): Promise<{ data: AccountSummary[]; next_cursor: string | null }> {
  const params: unknown[] = [workspaceId];
  const where = ['a.workspace_id = $1'];
  if (query.health) {
    params.push(query.health);
    where.push(`coalesce(p.health, 'no_billing') = ANY($${params.length}::text[])`);
  }
  if (query.q) {
    params.push(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(
      `(a.name ILIKE $${params.length} OR a.domain ILIKE $${params.length} OR a.external_id ILIKE $${params.length} OR a.id = $${params.length + 1})`,
    );
    params.push(query.q);
  }
  const offset = query.cursor ? Number(query.cursor.slice(1)) : 0;
  params.push(query.limit + 1, offset);
  const { rows } = await q.query<SummaryRow>(
    `${SELECT} WHERE ${where.join(' AND ')} ORDER BY ${ORDER[query.sort]}
     LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  const more = rows.length > query.limit;
  return {
    data: rows.slice(0, query.limit).map(toSummary),
    next_cursor: more ? `o${offset + query.limit}` : null,
  };
}

export async function getAccountSummary(
  q: Queryable,
  workspaceId: string,
  id: string,
): Promise<{ summary: AccountSummary; reasons: Reason[] } | null> {
  const { rows } = await q.query<SummaryRow>(`${SELECT} WHERE a.workspace_id = $1 AND a.id = $2`, [
    workspaceId,
    id,
  ]);
  const row = rows[0];
  if (!row) return null;
  return { summary: toSummary(row), reasons: row.reasons ?? [] };
}
