// Links Stripe customers to CRM accounts (product.md part 4):
// 1. metadata.atlas_account_id naming an account of the workspace (its id or its external id);
// 2. else the customer's email domain, when it is not a free-mail domain;
// 3. else a new account made from the customer (it carries the connector id, so disconnecting
//    the connector erases it).
// A manual link is never changed. An automatic link only moves when the customer's metadata
// names another account; a domain or "created" link otherwise stays put, so accounts never flap.

import { createHash } from 'node:crypto';
import type { Queryable } from '../db/client.ts';
import { companyDomain } from './free-mail.ts';

export interface LinkOptions {
  workspaceId: string;
  connectorId: string;
  /** only these customers (incremental); all the connector's customers when absent */
  customerIds?: readonly string[];
  pageSize?: number;
}

export interface LinkResult {
  /** links created or moved */
  linked: number;
  accountsCreated: number;
  /** accounts whose set of customers changed (both sides of a move) */
  affectedAccountIds: string[];
}

interface CustomerRow {
  id: string;
  email: string | null;
  name: string | null;
  meta: string | null;
  account_id: string | null;
  linked_by: string | null;
  manual: boolean | null;
}

/** Deterministic, so the incremental and the full path create the same account for a customer. */
export function accountIdForCustomer(connectorId: string, customerId: string): string {
  return `acc_${createHash('sha256').update(`${connectorId}:${customerId}`).digest('hex').slice(0, 20)}`;
}

export async function linkCustomers(q: Queryable, options: LinkOptions): Promise<LinkResult> {
  const result: LinkResult = { linked: 0, accountsCreated: 0, affectedAccountIds: [] };
  const pageSize = options.pageSize ?? 5000;
  let after = '';
  for (;;) {
    const { rows } = await q.query<CustomerRow>(
      `SELECT c.id, c.email, c.name, c.data -> 'metadata' ->> 'atlas_account_id' AS meta,
              l.account_id, l.linked_by, l.manual
       FROM stripe_customers c
       LEFT JOIN account_customers l ON l.connector_id = c.connector_id AND l.customer_id = c.id
       WHERE c.connector_id = $1 AND c.workspace_id = $2 AND NOT c.deleted AND c.id > $3
         ${options.customerIds ? 'AND c.id = ANY($5::text[])' : ''}
       ORDER BY c.id LIMIT $4`,
      options.customerIds
        ? [options.connectorId, options.workspaceId, after, pageSize, options.customerIds]
        : [options.connectorId, options.workspaceId, after, pageSize],
    );
    if (rows.length === 0) break;
    await linkPage(q, options, rows, result);
    after = rows[rows.length - 1]!.id;
    if (rows.length < pageSize) break;
  }
  result.affectedAccountIds = [...new Set(result.affectedAccountIds)];
  return result;
}

async function linkPage(
  q: Queryable,
  options: LinkOptions,
  rows: CustomerRow[],
  result: LinkResult,
): Promise<void> {
  const { workspaceId, connectorId } = options;
  const candidates = rows.filter((r) => !r.manual && (r.account_id === null || r.meta !== null));
  if (candidates.length === 0) return;
  const metas = [...new Set(candidates.map((r) => r.meta).filter((m): m is string => m !== null))];
  const domains = [
    ...new Set(candidates.map((r) => companyDomain(r.email)).filter((d): d is string => d !== null)),
  ];
  const byMeta = new Map<string, string>();
  if (metas.length > 0) {
    const { rows: found } = await q.query<{ id: string; external_id: string | null }>(
      `SELECT id, external_id FROM accounts WHERE workspace_id = $1 AND (id = ANY($2::text[]) OR external_id = ANY($2::text[]))`,
      [workspaceId, metas],
    );
    // An account id wins over another account's external id with the same text.
    for (const a of found) if (a.external_id && !byMeta.has(a.external_id)) byMeta.set(a.external_id, a.id);
    for (const a of found) byMeta.set(a.id, a.id);
  }
  const byDomain = new Map<string, string>();
  if (domains.length > 0) {
    const { rows: found } = await q.query<{ domain: string; id: string }>(
      `SELECT DISTINCT ON (domain) domain, id FROM accounts WHERE workspace_id = $1 AND domain = ANY($2::text[])
       ORDER BY domain, created_at, id`,
      [workspaceId, domains],
    );
    for (const a of found) byDomain.set(a.domain, a.id);
  }

  const newAccounts: { id: string; name: string; domain: string | null }[] = [];
  const links: { customerId: string; accountId: string; linkedBy: string }[] = [];
  for (const c of candidates) {
    const metaAccount = c.meta ? byMeta.get(c.meta) : undefined;
    if (c.account_id !== null) {
      // Already linked: only metadata naming another existing account moves it.
      if (metaAccount && metaAccount !== c.account_id) {
        links.push({ customerId: c.id, accountId: metaAccount, linkedBy: 'metadata' });
        result.affectedAccountIds.push(c.account_id, metaAccount);
      }
      continue;
    }
    const domain = companyDomain(c.email);
    let accountId = metaAccount;
    let linkedBy = 'metadata';
    if (!accountId && domain && byDomain.has(domain)) {
      accountId = byDomain.get(domain)!;
      linkedBy = 'domain';
    }
    if (!accountId) {
      accountId = accountIdForCustomer(connectorId, c.id);
      linkedBy = 'created';
      newAccounts.push({ id: accountId, name: c.name?.trim() || c.email?.trim() || c.id, domain });
      if (domain) byDomain.set(domain, accountId);
    }
    links.push({ customerId: c.id, accountId, linkedBy });
    result.affectedAccountIds.push(accountId);
  }
  if (newAccounts.length > 0) {
    const { rowCount } = await q.query(
      `INSERT INTO accounts (id, workspace_id, name, domain, connector_id)
       SELECT i, $1, n, d, $2 FROM unnest($3::text[], $4::text[], $5::text[]) AS x(i, n, d)
       ON CONFLICT (id) DO NOTHING`,
      [
        workspaceId,
        connectorId,
        newAccounts.map((a) => a.id),
        newAccounts.map((a) => a.name),
        newAccounts.map((a) => a.domain),
      ],
    );
    result.accountsCreated += rowCount;
  }
  if (links.length > 0) {
    await q.query(
      `INSERT INTO account_customers (workspace_id, connector_id, customer_id, account_id, linked_by, manual)
       SELECT $1, $2, c, a, b, false FROM unnest($3::text[], $4::text[], $5::text[]) AS x(c, a, b)
       ON CONFLICT (connector_id, customer_id) DO UPDATE SET account_id = EXCLUDED.account_id,
         linked_by = EXCLUDED.linked_by WHERE NOT account_customers.manual`,
      [
        workspaceId,
        connectorId,
        links.map((l) => l.customerId),
        links.map((l) => l.accountId),
        links.map((l) => l.linkedBy),
      ],
    );
    result.linked += links.length;
  }
}

export class LinkError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'LinkError';
    this.code = code;
  }
}

/**
 * Links a customer to an account by hand. The link is marked manual: re-syncs and metadata never
 * move it. Returns the account the customer was on before (to recompute it too), if any.
 */
export async function linkCustomerManually(
  q: Queryable,
  options: { workspaceId: string; accountId: string; customerId: string },
): Promise<{ connectorId: string; previousAccountId: string | null }> {
  const { rows } = await q.query<{ connector_id: string; account_id: string | null }>(
    `SELECT c.connector_id, l.account_id FROM stripe_customers c
     LEFT JOIN account_customers l ON l.connector_id = c.connector_id AND l.customer_id = c.id
     WHERE c.workspace_id = $1 AND c.id = $2 ORDER BY c.connector_id LIMIT 1`,
    [options.workspaceId, options.customerId],
  );
  const found = rows[0];
  if (!found) {
    throw new LinkError(
      'customer_not_found',
      `No Stripe customer ${options.customerId} in this workspace; sync the connector first or check the id`,
    );
  }
  await q.query(
    `INSERT INTO account_customers (workspace_id, connector_id, customer_id, account_id, linked_by, manual)
     VALUES ($1, $2, $3, $4, 'manual', true)
     ON CONFLICT (connector_id, customer_id) DO UPDATE SET account_id = EXCLUDED.account_id, linked_by = 'manual', manual = true`,
    [options.workspaceId, found.connector_id, options.customerId, options.accountId],
  );
  return { connectorId: found.connector_id, previousAccountId: found.account_id };
}
