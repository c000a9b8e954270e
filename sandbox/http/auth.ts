// API keys: the secret key, restricted keys with per-resource permissions, and revocation.
import { ApiError } from './errors.ts';

export const RESOURCES = [
  'customers',
  'products',
  'prices',
  'coupons',
  'subscriptions',
  'invoices',
  'invoice_items',
  'payment_intents',
  'charges',
  'payment_methods',
  'refunds',
  'disputes',
  'payouts',
  'balance_transactions',
  'credit_notes',
  'events',
  'webhook_endpoints',
] as const;

export type Resource = (typeof RESOURCES)[number];
export type Access = 'none' | 'read' | 'write';
export type Permissions = Partial<Record<Resource, Access>>;

/** Stripe's permission names are singular: rak_customer_read, rak_invoice_item_write, … */
const PERMISSION_NOUN: Record<Resource, string> = {
  customers: 'customer',
  products: 'product',
  prices: 'price',
  coupons: 'coupon',
  subscriptions: 'subscription',
  invoices: 'invoice',
  invoice_items: 'invoice_item',
  payment_intents: 'payment_intent',
  charges: 'charge',
  payment_methods: 'payment_method',
  refunds: 'refund',
  disputes: 'dispute',
  payouts: 'payout',
  balance_transactions: 'balance_transaction',
  credit_notes: 'credit_note',
  events: 'event',
  webhook_endpoints: 'webhook_endpoint',
};

export type ApiKey = {
  key: string;
  kind: 'secret' | 'restricted';
  permissions: Permissions;
  revoked: boolean;
};

export function mask(key: string): string {
  const prefix = key.slice(0, key.indexOf('_', 3) + 1);
  return `${prefix}***${key.slice(-4)}`;
}

export function authenticate(keys: Map<string, ApiKey>, header: string | undefined): ApiKey {
  let key: string | undefined;
  if (header?.startsWith('Bearer ')) key = header.slice(7).trim();
  else if (header?.startsWith('Basic '))
    key = Buffer.from(header.slice(6), 'base64').toString().split(':')[0];
  if (!key) {
    throw new ApiError(
      401,
      'invalid_request_error',
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  const found = keys.get(key);
  if (!found)
    throw new ApiError(401, 'invalid_request_error', `Invalid API Key provided: ${mask(key)}`, {
      code: 'api_key_invalid',
    });
  if (found.revoked)
    throw new ApiError(401, 'invalid_request_error', `Expired API Key provided: ${mask(key)}`, {
      code: 'api_key_expired',
    });
  return found;
}

export function authorize(key: ApiKey, resource: Resource, need: 'read' | 'write', accountId: string): void {
  if (key.kind === 'secret') return;
  const has = key.permissions[resource] ?? 'none';
  if (has === 'write' || (has === 'read' && need === 'read')) return;
  throw new ApiError(
    403,
    'invalid_request_error',
    `The provided key '${mask(key.key)}' does not have the required permissions for this endpoint on account '${accountId}'. ` +
      `Having the 'rak_${PERMISSION_NOUN[resource]}_${need}' permission would allow this request to continue.`,
    { code: 'secret_key_required' },
  );
}

export function parsePermissions(input: unknown): Permissions {
  if (typeof input !== 'object' || input === null)
    throw new ApiError(400, 'invalid_request_error', 'permissions must be an object', {
      param: 'permissions',
    });
  const out: Permissions = {};
  for (const [k, v] of Object.entries(input)) {
    if (!(RESOURCES as readonly string[]).includes(k)) {
      throw new ApiError(
        400,
        'invalid_request_error',
        `Unknown resource '${k}'. Known: ${RESOURCES.join(', ')}`,
        { param: `permissions[${k}]` },
      );
    }
    if (v !== 'none' && v !== 'read' && v !== 'write') {
      throw new ApiError(400, 'invalid_request_error', `Permission for ${k} must be none, read or write`, {
        param: `permissions[${k}]`,
      });
    }
    out[k as Resource] = v;
  }
  return out;
}
