import { describe, expect, it } from 'vitest';
import { utc } from './dates.ts';
import { paymentStatus } from './payment-status.ts';
import { charge, invoice, subscription } from './test-builders.ts';

const NOW = utc(2026, 3, 20, 12);
const DAY = 86_400;
const none = { invoices: [], subscriptions: [], charges: [] };

describe('paymentStatus', () => {
  it('is current with nothing open', () => {
    expect(paymentStatus(none, NOW)).toMatchObject({
      status: 'current',
      daysPastDue: 0,
      openAmountDue: {},
      failedPayments30d: 0,
      lastSuccessfulPaymentAt: null,
      nextPaymentAttempt: null,
      oldestOpenInvoiceId: null,
    });
  });

  it('is current with an open invoice that is neither failed nor past due', () => {
    const open = invoice({
      id: 'in_open',
      status: 'open',
      collectionMethod: 'send_invoice',
      dueDate: NOW + DAY,
    });
    expect(paymentStatus({ ...none, invoices: [open] }, NOW)).toMatchObject({
      status: 'current',
      daysPastDue: 0,
      openAmountDue: { usd: 9000 },
      oldestOpenInvoiceId: 'in_open',
    });
  });

  it('send_invoice: days since the due date of the oldest open invoice past due', () => {
    const older = invoice({
      id: 'in_old',
      status: 'open',
      collectionMethod: 'send_invoice',
      created: NOW - 50 * DAY,
      dueDate: NOW - 20 * DAY - 3600,
    });
    const newer = invoice({
      id: 'in_new',
      status: 'open',
      collectionMethod: 'send_invoice',
      created: NOW - 10 * DAY,
      dueDate: NOW - 2 * DAY,
      amountRemaining: 4000,
    });
    const ps = paymentStatus({ ...none, invoices: [newer, older] }, NOW);
    expect(ps).toMatchObject({
      status: 'past_due',
      daysPastDue: 20,
      daysPastDueInvoiceId: 'in_old',
      oldestOpenInvoiceId: 'in_old',
      openAmountDue: { usd: 13000 },
    });
    expect(ps.delinquentInvoices.map((d) => d.invoiceId)).toEqual(['in_old', 'in_new']);
  });

  it('charge_automatically: days since the first failed attempt of the oldest open invoice', () => {
    const inv = invoice({
      id: 'in_auto',
      status: 'open',
      created: NOW - 15 * DAY,
      attemptCount: 3,
      firstFailedAt: NOW - 12 * DAY,
      nextPaymentAttempt: NOW + 2 * DAY,
    });
    const failed = [
      charge({ status: 'failed', invoiceId: 'in_auto', created: NOW - 14 * DAY }),
      charge({ status: 'failed', invoiceId: 'in_auto', created: NOW - 7 * DAY }),
      charge({ status: 'failed', invoiceId: 'in_auto', created: NOW - 31 * DAY }), // clock uses the earliest
    ];
    const ps = paymentStatus({ ...none, invoices: [inv], charges: failed }, NOW);
    expect(ps).toMatchObject({
      status: 'past_due',
      daysPastDue: 31,
      failedPayments30d: 2,
      nextPaymentAttempt: NOW + 2 * DAY,
    });
  });

  it('counts an invoice.payment_failed alone (no charge recorded) as a failed attempt', () => {
    const inv = invoice({ status: 'open', attemptCount: 1, firstFailedAt: NOW - 3 * DAY });
    expect(paymentStatus({ ...none, invoices: [inv] }, NOW)).toMatchObject({
      status: 'past_due',
      daysPastDue: 3,
    });
  });

  it('is past_due on the day of the first failure with 0 days past due', () => {
    const inv = invoice({ status: 'open', firstFailedAt: NOW - 60 });
    expect(paymentStatus({ ...none, invoices: [inv] }, NOW)).toMatchObject({
      status: 'past_due',
      daysPastDue: 0,
    });
  });

  it('ignores failures of invoices that are no longer open', () => {
    const paid = invoice({
      id: 'in_paid',
      status: 'paid',
      firstFailedAt: NOW - 5 * DAY,
      paidAt: NOW - 4 * DAY,
    });
    const ps = paymentStatus(
      {
        ...none,
        invoices: [paid],
        charges: [charge({ status: 'failed', invoiceId: 'in_paid', created: NOW - 5 * DAY })],
      },
      NOW,
    );
    expect(ps).toMatchObject({
      status: 'current',
      failedPayments30d: 1,
      lastSuccessfulPaymentAt: NOW - 4 * DAY,
    });
  });

  it('is unpaid when a subscription is unpaid or an invoice uncollectible, even with open failures', () => {
    const openFailed = invoice({ status: 'open', firstFailedAt: NOW - DAY });
    expect(
      paymentStatus(
        { ...none, invoices: [openFailed], subscriptions: [subscription({ id: 'sub_u', status: 'unpaid' })] },
        NOW,
      ),
    ).toMatchObject({ status: 'unpaid', unpaidSubscriptionIds: ['sub_u'] });
    expect(
      paymentStatus({ ...none, invoices: [invoice({ id: 'in_u', status: 'uncollectible' })] }, NOW),
    ).toMatchObject({
      status: 'unpaid',
      uncollectibleInvoiceIds: ['in_u'],
    });
  });

  it('keeps open amounts per currency and the latest successful payment', () => {
    const ps = paymentStatus(
      {
        ...none,
        invoices: [
          invoice({ status: 'open', currency: 'eur', amountRemaining: 4500 }),
          invoice({ status: 'open', currency: 'EUR', amountRemaining: 500 }),
          invoice({ status: 'open', currency: 'jpy', amountRemaining: 10000 }),
          invoice({ status: 'void', currency: 'usd', amountRemaining: 999 }),
        ],
        charges: [
          charge({ status: 'succeeded', created: NOW - 40 * DAY }),
          charge({ status: 'succeeded', created: NOW - 10 * DAY }),
          charge({ status: 'succeeded', created: NOW + DAY }), // after the as-of time
          charge({ status: 'failed', created: NOW - 30 * DAY - 1 }), // outside 30 days
        ],
      },
      NOW,
    );
    expect(ps.openAmountDue).toEqual({ eur: 5000, jpy: 10000 });
    expect(ps.lastSuccessfulPaymentAt).toBe(NOW - 10 * DAY);
    expect(ps.failedPayments30d).toBe(0);
  });

  it('takes the larger clock when send_invoice and charge_automatically invoices are both late', () => {
    const send = invoice({
      id: 'in_s',
      status: 'open',
      collectionMethod: 'send_invoice',
      created: NOW - 9 * DAY,
      dueDate: NOW - 5 * DAY,
    });
    const auto = invoice({
      id: 'in_a',
      status: 'open',
      created: NOW - 8 * DAY,
      firstFailedAt: NOW - 8 * DAY,
    });
    expect(paymentStatus({ ...none, invoices: [send, auto] }, NOW)).toMatchObject({
      daysPastDue: 8,
      daysPastDueInvoiceId: 'in_a',
      oldestOpenInvoiceId: 'in_s',
    });
  });
});
