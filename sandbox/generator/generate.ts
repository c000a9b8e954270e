// Deterministic account generator: a year of history built by running the real engine on the
// simulated clock (renewals, retries, disputes, payouts), straight in memory, never over HTTP.
// Only the last 30 days record events, as Stripe keeps them.
import { advanceTo } from '../engine/clock.ts';
import {
  attachPaymentMethod,
  createCardFromToken,
  createCustomer,
  setDefaultPaymentMethod,
} from '../engine/customers.ts';
import { createCreditNote, createRefund } from '../engine/money.ts';
import { startPayoutSchedule } from '../engine/payouts.ts';
import { changed, EVENT_RETENTION_SECONDS, type SandboxState } from '../engine/state.ts';
import { cancelSubscription, createSubscription } from '../engine/subscriptions.ts';
import { newInvoiceItem } from '../objects/invoice.ts';
import type { Subscription } from '../objects/wire.ts';
import { createCatalog, pickPlan } from './catalog.ts';
import { COMPANY_A, COMPANY_B, FIRST, FREE_MAIL, LAST, TLD } from './names.ts';

const DAY = 86400;

export function generateAccount(s: SandboxState, p: { customers: number; seed: number }): void {
  const end = s.now;
  const start = end - 365 * DAY;
  s.now = start - 7 * DAY;
  s.recordEventsFrom = end - EVENT_RETENTION_SECONDS;
  const catalog = createCatalog(s);
  startPayoutSchedule(s, start);
  // Signups spread over the year, sorted so the clock only moves forward.
  const signups = Array.from(
    { length: p.customers },
    () => start + Math.floor(s.rng.next() * (end - start - DAY)),
  );
  signups.sort((a, b) => a - b);
  const endDate = new Date(end * 1000);
  for (let i = 0; i < signups.length; i++) {
    advanceTo(s, signups[i]!);
    createOne(s, catalog, i, end, endDate);
  }
  advanceTo(s, end);
  s.recordEventsFrom = -Infinity;
}

function createOne(
  s: SandboxState,
  catalog: ReturnType<typeof createCatalog>,
  i: number,
  end: number,
  endDate: Date,
): void {
  const r = s.rng;
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  const company = `${r.pick(COMPANY_A)} ${r.pick(COMPANY_B)}`;
  const freeMail = r.chance(0.25);
  const domain = freeMail
    ? r.pick(FREE_MAIL)
    : `${company.toLowerCase().replace(/[^a-z]/g, '')}.${r.pick(TLD)}`;
  const email = `${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}${freeMail ? r.int(1, 999) : ''}@${domain}`;
  const metadata: Record<string, string> = {};
  if (r.chance(0.4)) metadata['atlas_account_id'] = `acc_${String(1000 + i)}`;
  const customer = createCustomer(s, { email, name: freeMail ? `${first} ${last}` : company, metadata });
  const currency = r.pick(['usd', 'usd', 'usd', 'usd', 'usd', 'eur', 'eur', 'gbp', 'gbp', 'jpy'] as const);

  // Card profile: most work; some decline, expire soon, are already expired, or get disputed.
  const roll = r.next();
  let token = r.pick(['pm_card_visa', 'pm_card_visa', 'pm_card_mastercard', 'pm_card_amex']);
  let exp: { expMonth?: number; expYear?: number } = {};
  let sendInvoice = false;
  if (roll < 0.05) token = 'pm_card_chargeCustomerFail';
  else if (roll < 0.08) token = 'pm_card_visa_chargeDeclinedInsufficientFunds';
  else if (roll < 0.11)
    exp = { expMonth: endDate.getUTCMonth() + 1, expYear: endDate.getUTCFullYear() }; // expires within 30 days
  else if (roll < 0.14) {
    const d = new Date((end - r.int(20, 150) * DAY) * 1000); // expired during the year
    exp = { expMonth: d.getUTCMonth() + 1, expYear: d.getUTCFullYear() };
  } else if (roll < 0.155) token = 'pm_card_createDispute';
  else if (roll < 0.18) sendInvoice = true;
  let pmId: string | null = null;
  if (!sendInvoice) {
    const pm = createCardFromToken(s, token, exp);
    attachPaymentMethod(s, pm.id, customer.id);
    pmId = pm.id;
    const card = s.store.cardOf.get(pm.id);
    if (card?.decline && r.chance(0.7)) {
      // Most failing cards worked at first: a good card now, the declining one becomes default later.
      const good = createCardFromToken(s, 'pm_card_visa');
      attachPaymentMethod(s, good.id, customer.id);
      setDefaultPaymentMethod(s, customer, good.id);
      s.scheduler.at(s.now + r.int(30, 300) * DAY, () => setDefaultPaymentMethod(s, customer, pm.id));
    } else setDefaultPaymentMethod(s, customer, pm.id);
  }
  if (r.chance(0.08)) return; // some customers never subscribe

  if (r.chance(0.03)) {
    const ii = newInvoiceItem({
      id: s.newId('ii_'),
      created: s.now,
      customer: customer.id,
      amount: currency === 'jpy' ? 7500 : 4900,
      currency,
      description: 'Onboarding fee',
      quantity: 1,
      price: null,
      invoice: null,
      subscription: null,
    });
    s.store.invoiceitems.insert(ii);
    s.store.pendingItems.set(customer.id, [ii.id]);
    changed(s, 'invoiceitem.created', s.store.invoiceitems, ii.id);
  }
  const plan = pickPlan(s, catalog.plans.get(currency)!);
  const recent = end - s.now < 20 * DAY;
  const trial = recent ? r.chance(0.6) : r.chance(0.1);
  const couponRoll = r.next();
  const coupon = couponRoll < 0.15 ? r.pick(catalog.coupons) : null;
  const sub = createSubscription(s, {
    customer: customer.id,
    items: [
      {
        price: plan.price,
        quantity: plan.seats ? r.int(1, 40) * (plan.price.transform_quantity ? 500 : 1) : 1,
      },
    ],
    defaultPaymentMethod: null,
    trialEnd: trial ? s.now + 14 * DAY : null,
    coupon: coupon && (coupon.currency === null || coupon.currency === currency) ? coupon.id : null,
    collectionMethod: sendInvoice ? 'send_invoice' : 'charge_automatically',
    daysUntilDue: sendInvoice ? 30 : null,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    metadata: {},
    description: null,
  });
  planLife(s, sub, pmId, end);
}

/** Later twists in a customer's life, scheduled on the clock: churn, card fixes, refunds, credits. */
function planLife(s: SandboxState, sub: Subscription, pmId: string | null, end: number): void {
  const r = s.rng;
  const life = end - s.now;
  const at = () => s.now + Math.floor(r.next() * life);
  if (r.chance(0.12)) {
    s.scheduler.at(at(), () => {
      if (sub.status === 'canceled' || sub.cancel_at_period_end) return;
      sub.cancel_at_period_end = true;
      sub.canceled_at = s.now;
      sub.cancellation_details = {
        comment: null,
        feedback: r.pick(['too_expensive', 'switched_service', 'unused', 'missing_features'] as const),
        feedback_option: null,
        reason: 'cancellation_requested',
      };
      changed(s, 'customer.subscription.updated', s.store.subscriptions, sub.id, {
        cancel_at_period_end: false,
        canceled_at: null,
      });
    });
  } else if (r.chance(0.04)) {
    s.scheduler.at(at(), () => cancelSubscription(s, sub, 'cancellation_requested'));
  } else if (r.chance(0.01)) {
    s.scheduler.at(at(), () => {
      if (sub.status !== 'active') return;
      const prev = { pause_collection: null };
      sub.pause_collection = { behavior: 'void', resumes_at: s.now + 60 * DAY };
      changed(s, 'customer.subscription.updated', s.store.subscriptions, sub.id, prev);
    });
  }
  const card = pmId ? s.store.cardOf.get(pmId) : undefined;
  if (card?.decline && r.chance(0.35)) {
    // The customer fixes their card: the next retry (or renewal) pays.
    s.scheduler.at(s.now + r.int(60, 330) * DAY, () => {
      const customer = s.store.customers.get(sub.customer as string);
      if (!customer) return;
      const good = createCardFromToken(s, 'pm_card_visa');
      attachPaymentMethod(s, good.id, customer.id);
      setDefaultPaymentMethod(s, customer, good.id);
    });
  }
  if (r.chance(0.03)) {
    s.scheduler.at(at(), () => {
      const charge = latestPaidCharge(s, sub);
      if (charge)
        createRefund(s, charge, {
          amount: r.chance(0.5) ? charge.amount : Math.floor(charge.amount / 2),
          reason: 'requested_by_customer',
        });
    });
  }
  if (r.chance(0.015)) {
    s.scheduler.at(at(), () => {
      const inv = sub.latest_invoice ? s.store.invoices.get(sub.latest_invoice as string) : undefined;
      if (inv && inv.status === 'paid' && inv.amount_paid > 0)
        createCreditNote(s, inv, {
          amount: Math.max(1, Math.floor(inv.amount_paid / 4)),
          reason: 'product_unsatisfactory',
        });
    });
  }
}

function latestPaidCharge(s: SandboxState, sub: Subscription) {
  const inv = sub.latest_invoice ? s.store.invoices.get(sub.latest_invoice as string) : undefined;
  const piId = inv ? s.store.invoicePaymentIntent.get(inv.id) : undefined;
  const chId = piId ? (s.store.payment_intents.get(piId)?.latest_charge as string | null) : null;
  const ch = chId ? s.store.charges.get(chId) : undefined;
  return ch && ch.status === 'succeeded' && ch.amount_refunded === 0 ? ch : undefined;
}
