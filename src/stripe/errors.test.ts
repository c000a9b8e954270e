import { describe, expect, it } from 'vitest';
import { kindOfStatus, missingPermission, REVOKED_KEY_MESSAGE, StripeRequestError } from './errors.ts';
import { endpointPattern } from './metrics.ts';
import { FAMILY_PERMISSION, permissionFromMessage } from './permissions.ts';
import { toQueryString } from './query.ts';

describe('Stripe error kinds and permission names', () => {
  it('maps statuses to the kinds the health page shows', () => {
    expect([undefined, 401, 403, 429, 500, 404].map(kindOfStatus)).toEqual([
      'connection',
      'authentication',
      'permission',
      'rate_limited',
      'api_error',
      'invalid_request',
    ]);
  });

  it('names a missing permission in the connector page’s words', () => {
    const msg =
      "The provided key 'rk_test_***abcd' does not have the required permissions for this endpoint on account 'acct_1'. Having the 'rak_customer_read' permission would allow this request to continue.";
    expect(permissionFromMessage(msg)?.label).toBe('Customers read (read_only.customers)');
    expect(permissionFromMessage("Having the 'rak_invoice_item_read' permission")?.label).toBe(
      'Invoice items read (read_only.invoice_items)',
    );
    expect(permissionFromMessage("the 'rak_balance_transaction_read' permission")?.label).toBe(
      'Balance transactions read (read_only.balance_transactions)',
    );
    expect(permissionFromMessage("the 'rak_tax_rate_read' permission")?.label).toBe(
      'Tax rates read (read_only.tax_rates)',
    );
    expect(FAMILY_PERMISSION.events.label).toBe('Events read (read_only.events)');
  });

  it('falls back to the path when the 403 message names nothing', () => {
    expect(missingPermission('Forbidden', '/v1/subscriptions?status=all')?.label).toBe(
      'Subscriptions read (read_only.subscriptions)',
    );
    expect(missingPermission(undefined, '/v1/customers/cus_1/payment_methods')?.label).toBe(
      'Payment methods read (read_only.payment_methods)',
    );
  });

  it('writes messages that say what to do next', () => {
    const auth = new StripeRequestError({
      kind: 'authentication',
      status: 401,
      method: 'GET',
      endpoint: '/v1/customers',
      attempts: 1,
    });
    expect(auth.message).toBe(REVOKED_KEY_MESSAGE);
    const perm = new StripeRequestError({
      kind: 'permission',
      status: 403,
      method: 'GET',
      endpoint: '/v1/events',
      attempts: 1,
      permission: FAMILY_PERMISSION.events,
    });
    expect(perm.message).toContain('Events read (read_only.events)');
    const conn = new StripeRequestError(
      { kind: 'connection', method: 'GET', endpoint: '/v1/charges', attempts: 4 },
      { apiBase: 'http://127.0.0.1:9' },
    );
    expect(conn.message).toMatch(
      /Could not reach Stripe at http:\/\/127\.0\.0\.1:9 .* after 4 attempts.*resumes/,
    );
  });

  it('labels endpoints by pattern, never by id', () => {
    expect(endpointPattern('/v1/customers?limit=100')).toBe('/v1/customers');
    expect(endpointPattern('/v1/customers/cus_9/payment_methods')).toBe('/v1/customers/{id}/payment_methods');
    expect(endpointPattern('/v1/invoices/in_1/lines?starting_after=il_2')).toBe('/v1/invoices/{id}/lines');
    expect(endpointPattern('/v1/subscription_items?subscription=sub_1')).toBe('/v1/subscription_items');
  });

  it('encodes list parameters in bracket notation', () => {
    expect(
      toQueryString({ limit: 100, created: { gte: 1, lt: 5 }, expand: ['data.customer'], x: undefined }),
    ).toBe('limit=100&created[gte]=1&created[lt]=5&expand[]=data.customer');
  });
});
