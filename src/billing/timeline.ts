// One line of plain words per billing event, for the account's billing timeline.
// The caller maps each Stripe event to a TimelineEvent; unknown Stripe types map to `other`.

import { formatDate } from './dates.ts';
import { formatMoney } from './money.ts';
import { failureText, humanise } from './words.ts';

type Interval = 'day' | 'week' | 'month' | 'year';

interface Money {
  /** minor units */
  amount: number;
  currency: string;
}

export type TimelineEvent =
  | ({
      type: 'payment_failed';
      /** charge.failure_code / last_payment_error.code, e.g. card_declined */
      failureCode?: string | null;
      /** decline_code or outcome.reason, e.g. insufficient_funds */
      declineCode?: string | null;
      failureMessage?: string | null;
      /** invoice.next_payment_attempt; null when no retry is scheduled */
      nextRetryAt?: number | null;
    } & Money)
  | ({ type: 'payment_succeeded' } & Money)
  | ({ type: 'refund_issued' } & Money)
  | ({ type: 'invoice_paid'; invoiceId: string } & Money)
  | ({ type: 'invoice_finalized'; invoiceId: string; dueDate?: number | null } & Money)
  | ({ type: 'invoice_uncollectible'; invoiceId: string } & Money)
  | ({
      type: 'subscription_started';
      planName: string;
      interval: Interval;
      intervalCount?: number;
      /** MRR-free figure: the amount billed per interval */
    } & Money)
  | ({
      type: 'plan_changed';
      fromPlan: string;
      toPlan: string;
      interval: Interval;
      intervalCount?: number;
    } & Money)
  | { type: 'subscription_cancellation_scheduled'; cancelAt: number | null }
  | { type: 'subscription_cancelled' }
  | { type: 'subscription_paused' }
  | { type: 'subscription_resumed' }
  | { type: 'trial_will_end'; trialEnd: number }
  | ({ type: 'dispute_opened'; reason: string; dueBy: number | null } & Money)
  | ({ type: 'dispute_closed'; status: string } & Money)
  | { type: 'other'; stripeType: string };

const ADVERB: Record<Interval, string> = { day: 'daily', week: 'weekly', month: 'monthly', year: 'yearly' };

/** "monthly" / "every 3 months", and the "/month" / "/3 months" suffix of a price. */
function cadence(interval: Interval, count = 1): { adverb: string; per: string } {
  if (count === 1) return { adverb: ADVERB[interval], per: `/${interval}` };
  return { adverb: `every ${count} ${interval}s`, per: `/${count} ${interval}s` };
}

export function describeEvent(event: TimelineEvent, options: { locale?: string } = {}): string {
  const money = (m: Money) => formatMoney(m.amount, m.currency, options.locale);
  switch (event.type) {
    case 'payment_failed': {
      const retry =
        event.nextRetryAt !== undefined && event.nextRetryAt !== null
          ? `next retry ${formatDate(event.nextRetryAt)}`
          : 'no retry scheduled';
      return `Payment of ${money(event)} failed: ${failureText(event)}; ${retry}`;
    }
    case 'payment_succeeded':
      return `Payment of ${money(event)} succeeded`;
    case 'refund_issued':
      return `Refund of ${money(event)} issued`;
    case 'invoice_paid':
      return `Invoice ${event.invoiceId} paid: ${money(event)}`;
    case 'invoice_finalized':
      return `Invoice ${event.invoiceId} issued: ${money(event)}${
        event.dueDate ? `, due ${formatDate(event.dueDate)}` : ''
      }`;
    case 'invoice_uncollectible':
      return `Invoice ${event.invoiceId} marked uncollectible: ${money(event)}`;
    case 'subscription_started': {
      const c = cadence(event.interval, event.intervalCount);
      return `Subscription started: ${event.planName} (${c.adverb}) at ${money(event)}${c.per}`;
    }
    case 'plan_changed': {
      const c = cadence(event.interval, event.intervalCount);
      return `Plan changed: ${event.fromPlan} → ${event.toPlan} (${c.adverb}) at ${money(event)}${c.per}`;
    }
    case 'subscription_cancellation_scheduled':
      return event.cancelAt !== null
        ? `Cancellation scheduled for ${formatDate(event.cancelAt)}`
        : 'Cancellation scheduled at the end of the current period';
    case 'subscription_cancelled':
      return 'Subscription cancelled';
    case 'subscription_paused':
      return 'Subscription paused';
    case 'subscription_resumed':
      return 'Subscription resumed';
    case 'trial_will_end':
      return `Trial ends ${formatDate(event.trialEnd)}`;
    case 'dispute_opened':
      return `Dispute opened on ${money(event)}: ${humanise(event.reason)}${
        event.dueBy !== null ? `; respond by ${formatDate(event.dueBy)}` : ''
      }`;
    case 'dispute_closed':
      return `Dispute on ${money(event)} closed: ${humanise(event.status)}`;
    case 'other':
      return `Stripe event ${event.stripeType}`;
  }
}
