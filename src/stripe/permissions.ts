import type { Family } from '../store/families.ts';

/**
 * Stripe restricted-key permissions in the words the product shows (the connector page's list:
 * "Customers read (read_only.customers)"). Stripe's 403 names the permission the way its API does
 * (`rak_customer_read`); this table turns that into what the admin sees in the Dashboard.
 */

export interface Permission {
  /** The resource as the seed names it: `customers`, `subscriptions` … */
  resource: string;
  /** "Customers read (read_only.customers)". */
  label: string;
}

function permission(resource: string, title: string): Permission {
  return { resource, label: `${title} read (read_only.${resource})` };
}

/** The permissions Atlas needs to work at all (the connector page's "Required scopes"). */
export const REQUIRED_PERMISSIONS: readonly Permission[] = [
  permission('customers', 'Customers'),
  permission('subscriptions', 'Subscriptions'),
  permission('invoices', 'Invoices'),
  permission('charges', 'Charges'),
  permission('events', 'Events'),
];

/** Which permission reading a family needs. Nested families come with their parent's. */
export const FAMILY_PERMISSION: Record<Family, Permission> = {
  customers: REQUIRED_PERMISSIONS[0]!,
  subscriptions: REQUIRED_PERMISSIONS[1]!,
  subscription_items: REQUIRED_PERMISSIONS[1]!,
  invoices: REQUIRED_PERMISSIONS[2]!,
  invoice_line_items: REQUIRED_PERMISSIONS[2]!,
  charges: REQUIRED_PERMISSIONS[3]!,
  events: REQUIRED_PERMISSIONS[4]!,
  products: permission('products', 'Products'),
  prices: permission('prices', 'Prices'),
  coupons: permission('coupons', 'Coupons'),
  invoice_items: permission('invoice_items', 'Invoice items'),
  payment_intents: permission('payment_intents', 'Payment intents'),
  payment_methods: permission('payment_methods', 'Payment methods'),
  refunds: permission('refunds', 'Refunds'),
  disputes: permission('disputes', 'Disputes'),
  payouts: permission('payouts', 'Payouts'),
  balance_transactions: permission('balance_transactions', 'Balance transactions'),
  credit_notes: permission('credit_notes', 'Credit notes'),
};

/** Stripe's `rak_*` names (and the aliases seen in the field) → the product's permission. */
const RAK: Record<string, Permission> = {
  customer: FAMILY_PERMISSION.customers,
  subscription: FAMILY_PERMISSION.subscriptions,
  invoice: FAMILY_PERMISSION.invoices,
  charge: FAMILY_PERMISSION.charges,
  event: FAMILY_PERMISSION.events,
  product: FAMILY_PERMISSION.products,
  price: FAMILY_PERMISSION.prices,
  plan: FAMILY_PERMISSION.prices,
  coupon: FAMILY_PERMISSION.coupons,
  invoiceitem: FAMILY_PERMISSION.invoice_items,
  invoice_item: FAMILY_PERMISSION.invoice_items,
  payment_intent: FAMILY_PERMISSION.payment_intents,
  payment_method: FAMILY_PERMISSION.payment_methods,
  refund: FAMILY_PERMISSION.refunds,
  dispute: FAMILY_PERMISSION.disputes,
  payout: FAMILY_PERMISSION.payouts,
  balance: FAMILY_PERMISSION.balance_transactions,
  balance_transaction: FAMILY_PERMISSION.balance_transactions,
  credit_note: FAMILY_PERMISSION.credit_notes,
};

/**
 * The permission a 403 message names, e.g. "Having the 'rak_customer_read' permission would allow
 * this request to continue." Unknown `rak_*` names are turned into words rather than dropped.
 */
export function permissionFromMessage(message: string): Permission | undefined {
  const m = /\brak_([a-z_]+?)_(read|write)\b/.exec(message);
  if (m) {
    const known = RAK[m[1]!];
    if (known && m[2] === 'read') return known;
    const resource = m[1]!.endsWith('s') ? m[1]! : `${m[1]}s`;
    const title = resource.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
    const mode = m[2] === 'read' ? 'read' : 'write';
    return { resource, label: `${title} ${mode} (${mode === 'read' ? 'read_only' : 'write'}.${resource})` };
  }
  const scope = /\bread_only\.([a-z_]+)\b/.exec(message);
  if (scope) return Object.values(FAMILY_PERMISSION).find((p) => p.resource === scope[1]);
  return undefined;
}

/** The permission a list path needs: `/v1/invoices/in_1/lines` → Invoices read. */
export function permissionForPath(path: string): Permission | undefined {
  const resource = path.split('?')[0]!.split('/')[2];
  if (!resource) return undefined;
  const family = resource === 'invoiceitems' ? 'invoice_items' : resource;
  if (path.includes('/payment_methods')) return FAMILY_PERMISSION.payment_methods;
  return FAMILY_PERMISSION[family as Family];
}
