// Renders an event as an older API version (2023-10-16) would have: invoices with top-level
// subscription/charge/payment_intent, subscriptions with current_period_* and a singular discount.
// Lets the connector prove it reads payloads of any version.
export const LEGACY_API_VERSION = '2023-10-16';

type Json = { [k: string]: unknown };

export function toLegacyEvent(eventJson: string, lookup: (id: string) => Json | undefined): string {
  const evt = JSON.parse(eventJson) as Json;
  evt['api_version'] = LEGACY_API_VERSION;
  const data = evt['data'] as Json;
  data['object'] = legacyObject(data['object'] as Json, lookup);
  return JSON.stringify(evt);
}

function legacyObject(obj: Json, lookup: (id: string) => Json | undefined): Json {
  if (obj['object'] === 'invoice') {
    const parent = obj['parent'] as Json | null;
    const sd = parent?.['subscription_details'] as Json | undefined;
    const payments = ((obj['payments'] as Json | undefined)?.['data'] as Json[] | undefined) ?? [];
    const piId = (payments[0]?.['payment'] as Json | undefined)?.['payment_intent'] as string | undefined;
    const pi = piId ? lookup(piId) : undefined;
    const out: Json = {
      ...obj,
      subscription: (sd?.['subscription'] as string | undefined) ?? null,
      payment_intent: piId ?? null,
      charge: (pi?.['latest_charge'] as string | undefined) ?? null,
      paid: obj['status'] === 'paid',
    };
    delete out['parent'];
    delete out['payments'];
    return out;
  }
  if (obj['object'] === 'subscription') {
    const items = ((obj['items'] as Json)['data'] as Json[]) ?? [];
    const discounts = (obj['discounts'] as unknown[]) ?? [];
    const out: Json = {
      ...obj,
      current_period_start: items[0]?.['current_period_start'] ?? null,
      current_period_end: items[0]?.['current_period_end'] ?? null,
      discount: typeof discounts[0] === 'object' ? discounts[0] : null,
      plan: items[0]?.['plan'] ?? null,
      quantity: items[0]?.['quantity'] ?? null,
    };
    delete out['discounts'];
    return out;
  }
  return obj;
}
