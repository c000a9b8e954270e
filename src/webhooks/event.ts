import { z } from 'zod';
import type { StripeObject } from '../stripe/readers.ts';

/**
 * The event envelope as intake needs it. Only the fields intake and the worker rely on are checked;
 * everything else is kept as sent, since `data.object` is rendered in whatever API version the
 * endpoint had when the event was created.
 */
const envelope = z.looseObject({
  id: z.string().regex(/^evt_\w+$/, 'must look like evt_…'),
  object: z.literal('event'),
  type: z.string().min(1).max(200),
  created: z.number().int().nonnegative(),
  livemode: z.boolean(),
  api_version: z.string().nullish(),
  data: z.looseObject({
    object: z.looseObject({ object: z.string() }),
    previous_attributes: z.record(z.string(), z.unknown()).nullish(),
  }),
});

export type StripeEvent = z.infer<typeof envelope> & StripeObject;

export type ParsedEvent = { ok: true; event: StripeEvent } | { ok: false; message: string };

export function parseEvent(raw: Buffer | string): ParsedEvent {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (error) {
    return { ok: false, message: `The body is not JSON: ${(error as Error).message}` };
  }
  return parseEventObject(json);
}

export function parseEventObject(json: unknown): ParsedEvent {
  const parsed = envelope.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    return { ok: false, message: `The body is not a Stripe event (${problems.join('; ')})` };
  }
  return { ok: true, event: parsed.data as StripeEvent };
}

/** The object an event is about (its `data.object`). */
export function eventObject(event: StripeEvent): StripeObject {
  return event.data.object as StripeObject;
}

/** Event `created` (seconds) as the store's ordering marker (ms). */
export function eventSourceTs(event: { created: number }): number {
  return event.created * 1000;
}
