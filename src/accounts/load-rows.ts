// The set-based queries behind loadAccountInputs: one per family for a whole batch of accounts,
// joined through the account ↔ customer links, selecting typed columns and only the JSON fields
// the billing rules read (whole `data` blobs cost most of a full recompute in parsing alone).

import type { Queryable } from '../db/client.ts';

type Obj = Record<string, unknown>;

const LINKED = (table: string) => `FROM account_customers l
  JOIN ${table} t ON t.connector_id = l.connector_id AND t.customer_id = l.customer_id
  WHERE l.account_id = ANY($1::text[])`;

export interface LinkRow {
  account_id: string;
  connector_id: string;
  customer_id: string;
}

export interface CustomerRow {
  account_id: string;
  id: string;
  email: string | null;
  name: string | null;
  default_pm: unknown;
  default_source: unknown;
}

export interface SubscriptionRow {
  account_id: string;
  id: string;
  deleted: boolean;
  customer_id: string | null;
  status: string | null;
  currency: string | null;
  created: number | null;
  cancel_at_period_end: boolean | null;
  cancel_at: number | null;
  ended_at: number | null;
  trial_end: number | null;
  collection_method: string | null;
  canceled_at: string | null;
  trial_start: string | null;
  start_date: string | null;
  current_period_start: string | null;
  current_period_end: string | null;
  pause_collection: unknown;
  items: Obj | null;
  discounts: unknown;
  discount: unknown;
}

export interface InvoiceRow {
  account_id: string;
  id: string;
  customer_id: string | null;
  status: string | null;
  currency: string | null;
  created: number | null;
  subscription_id: string | null;
  amount_due: number | null;
  amount_remaining: number | null;
  attempt_count: number | null;
  next_payment_attempt: number | null;
  due_date: number | null;
  collection_method: string | null;
  paid_at: string | null;
  payments: unknown;
  payment_intent: unknown;
  /** only for invoices that count in the MRR history (open, paid, uncollectible) */
  lines: Obj | null;
}

export interface ChargeRow {
  account_id: string;
  id: string;
  status: string | null;
  created: number | null;
  amount: number | null;
  currency: string | null;
  failure_code: string | null;
  failure_message: string | null;
  outcome_reason: string | null;
  invoice_id: string | null;
  payment_intent_id: string | null;
}

export interface PaymentMethodRow {
  account_id: string;
  id: string;
  card_brand: string | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
}

export interface DisputeRow {
  account_id: string;
  id: string;
  status: string | null;
  created: number | null;
  due_by: number | null;
  amount: number | null;
  currency: string | null;
  reason: string | null;
  charge_id: string | null;
}

export interface EventTimeRow {
  object_id: string;
  type: string;
  first: number;
  last: number;
}

export interface LinkedRows {
  links: LinkRow[];
  customers: CustomerRow[];
  subscriptions: SubscriptionRow[];
  invoices: InvoiceRow[];
  charges: ChargeRow[];
  paymentMethods: PaymentMethodRow[];
  paymentIntents: { account_id: string; id: string; invoice_id: string }[];
  disputes: DisputeRow[];
  eventTimes: EventTimeRow[];
}

/** The columns the queries below join and filter on, by table: what a full recompute ANALYZEs. */
export const JOINED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  accounts: ['workspace_id', 'id'],
  account_customers: ['workspace_id', 'account_id', 'connector_id', 'customer_id'],
  stripe_customers: ['connector_id', 'id', 'customer_id', 'deleted'],
  stripe_subscriptions: ['connector_id', 'id', 'customer_id'],
  stripe_invoices: ['connector_id', 'id', 'customer_id', 'deleted', 'status'],
  stripe_charges: ['connector_id', 'id', 'customer_id', 'deleted'],
  stripe_payment_methods: ['connector_id', 'id', 'customer_id', 'deleted'],
  stripe_payment_intents: ['connector_id', 'id', 'customer_id', 'deleted', 'invoice_id'],
  stripe_disputes: ['connector_id', 'id', 'charge_id', 'deleted'],
  stripe_events: ['connector_id', 'customer_id', 'object_id', 'type'],
};

async function rows<T>(q: Queryable, sql: string, params: unknown[]): Promise<T[]> {
  return (await q.query<T>(sql, params)).rows;
}

/** Everything stored about the accounts' customers. Sequential: a transaction is one connection. */
export async function loadLinkedRows(q: Queryable, accountIds: string[]): Promise<LinkedRows> {
  const p = [accountIds];
  const links = await rows<LinkRow>(
    q,
    `SELECT account_id, connector_id, customer_id FROM account_customers WHERE account_id = ANY($1::text[])
     ORDER BY created_at, customer_id`,
    p,
  );
  const customers = await rows<CustomerRow>(
    q,
    `SELECT l.account_id, t.id, t.email, t.name, t.data -> 'invoice_settings' -> 'default_payment_method' AS default_pm,
       t.data -> 'default_source' AS default_source ${LINKED('stripe_customers')} AND NOT t.deleted`,
    p,
  );
  const subscriptions = await rows<SubscriptionRow>(
    q,
    `SELECT l.account_id, t.id, t.deleted, t.customer_id, t.status, t.currency, t.created, t.cancel_at_period_end,
       t.cancel_at, t.ended_at, t.trial_end, t.data ->> 'collection_method' AS collection_method,
       t.data ->> 'canceled_at' AS canceled_at, t.data ->> 'trial_start' AS trial_start,
       t.data ->> 'start_date' AS start_date, t.data ->> 'current_period_start' AS current_period_start,
       t.data ->> 'current_period_end' AS current_period_end, t.data -> 'pause_collection' AS pause_collection,
       t.data -> 'items' AS items, t.data -> 'discounts' AS discounts, t.data -> 'discount' AS discount
     ${LINKED('stripe_subscriptions')}`,
    p,
  );
  const invoices = await rows<InvoiceRow>(
    q,
    `SELECT l.account_id, t.id, t.customer_id, t.status, t.currency, t.created, t.subscription_id, t.amount_due,
       t.amount_remaining, t.attempt_count, t.next_payment_attempt, t.due_date, t.collection_method,
       t.data -> 'status_transitions' ->> 'paid_at' AS paid_at, t.data -> 'payments' AS payments,
       t.data -> 'payment_intent' AS payment_intent,
       CASE WHEN t.status IN ('open', 'paid', 'uncollectible') THEN t.data -> 'lines' END AS lines
     ${LINKED('stripe_invoices')} AND NOT t.deleted`,
    p,
  );
  const charges = await rows<ChargeRow>(
    q,
    `SELECT l.account_id, t.id, t.status, t.created, t.amount, t.currency, t.failure_code,
       t.data ->> 'failure_message' AS failure_message, t.data -> 'outcome' ->> 'reason' AS outcome_reason,
       t.invoice_id, t.payment_intent_id ${LINKED('stripe_charges')} AND NOT t.deleted`,
    p,
  );
  const paymentMethods = await rows<PaymentMethodRow>(
    q,
    `SELECT l.account_id, t.id, t.card_brand, t.card_last4, t.card_exp_month, t.card_exp_year
     ${LINKED('stripe_payment_methods')} AND NOT t.deleted`,
    p,
  );
  const paymentIntents = await rows<{ account_id: string; id: string; invoice_id: string }>(
    q,
    `SELECT l.account_id, t.id, t.invoice_id ${LINKED('stripe_payment_intents')}
       AND NOT t.deleted AND t.invoice_id IS NOT NULL`,
    p,
  );
  // disputes name no customer: reach them through their charge
  const disputes = await rows<DisputeRow>(
    q,
    `SELECT l.account_id, d.id, d.status, d.created, d.due_by, d.amount, d.currency, d.reason, d.charge_id
     FROM account_customers l
     JOIN stripe_charges c ON c.connector_id = l.connector_id AND c.customer_id = l.customer_id
     JOIN stripe_disputes d ON d.connector_id = c.connector_id AND d.charge_id = c.id
     WHERE l.account_id = ANY($1::text[]) AND NOT d.deleted`,
    p,
  );
  // Event-derived times: first payment failure per invoice, latest subscription change (events of
  // the customers), dispute closing (events of the disputes, which name no customer).
  const eventTimes = await rows<EventTimeRow>(
    q,
    `SELECT e.object_id, e.type, min(e.created) AS first, max(e.created) AS last FROM account_customers l
     JOIN stripe_events e ON e.connector_id = l.connector_id AND e.customer_id = l.customer_id
     WHERE l.account_id = ANY($1::text[])
       AND (e.type = 'invoice.payment_failed' OR e.type LIKE 'customer.subscription.%')
     GROUP BY e.object_id, e.type`,
    p,
  );
  if (disputes.length > 0) {
    eventTimes.push(
      ...(await rows<EventTimeRow>(
        q,
        `SELECT object_id, type, min(created) AS first, max(created) AS last FROM stripe_events
         WHERE connector_id = ANY($1::text[]) AND object_id = ANY($2::text[]) AND type = 'charge.dispute.closed'
         GROUP BY object_id, type`,
        [[...new Set(links.map((l) => l.connector_id))], disputes.map((d) => d.id)],
      )),
    );
  }
  return {
    links,
    customers,
    subscriptions,
    invoices,
    charges,
    paymentMethods,
    paymentIntents,
    disputes,
    eventTimes,
  };
}

/** Stored rows of nested lists (when the inline page was incomplete) and of catalog objects. */
export async function loadByIds(
  q: Queryable,
  sql: string,
  ids: Set<string>,
): Promise<{ key: string; data: Obj }[]> {
  if (ids.size === 0) return [];
  return rows(q, sql, [[...ids]]);
}
