import { describe, expect, it } from 'vitest';
import { toTimelineEvent } from './timeline.ts';

const item = (price: string, quantity: number, periodEnd: number) => ({
  id: 'si_1',
  object: 'subscription_item',
  price: {
    id: price,
    unit_amount: 1000,
    currency: 'usd',
    recurring: { interval: 'month', interval_count: 1 },
  },
  quantity,
  current_period_end: periodEnd,
});

function updated(prevItems: unknown[], nowItems: unknown[], extra: Record<string, unknown> = {}) {
  return {
    id: 'evt_1',
    type: 'customer.subscription.updated',
    created: 1_780_000_000,
    data: {
      data: {
        object: { id: 'sub_1', object: 'subscription', currency: 'usd', items: { data: nowItems }, ...extra },
        previous_attributes: { items: { data: prevItems } },
      },
    },
  };
}

describe('subscription updates on the timeline', () => {
  it('does not call a renewal (same prices and quantities, new period) a plan change', () => {
    const e = updated([item('price_a', 2, 100)], [item('price_a', 2, 200)]);
    expect(toTimelineEvent(e, () => null)?.type).not.toBe('plan_changed');
  });

  it('does not call a partial previous payload (price not named) a plan change', () => {
    const e = updated([{ id: 'si_1', current_period_end: 100 }], [item('price_a', 2, 200)]);
    expect(toTimelineEvent(e, () => null)?.type).not.toBe('plan_changed');
  });

  it('reports a change of price or quantity as a plan change', () => {
    expect(
      toTimelineEvent(updated([item('price_a', 2, 100)], [item('price_b', 2, 100)]), () => null)?.type,
    ).toBe('plan_changed');
    expect(
      toTimelineEvent(updated([item('price_a', 2, 100)], [item('price_a', 3, 100)]), () => null)?.type,
    ).toBe('plan_changed');
  });
});
