// Plain words from Stripe codes, shared by health reasons and the timeline.

/** "card_declined" → "card declined". */
export function humanise(code: string): string {
  return code.replaceAll('_', ' ').trim();
}

/** Why a payment failed, e.g. "card declined (insufficient funds)", from Stripe's failure_code and
 * decline_code / outcome.reason, falling back to failure_message. */
export function failureText(input: {
  failureCode?: string | null;
  declineCode?: string | null;
  failureMessage?: string | null;
}): string {
  const { failureCode, declineCode, failureMessage } = input;
  if (failureCode) {
    const detail = declineCode && declineCode !== failureCode ? ` (${humanise(declineCode)})` : '';
    return `${humanise(failureCode)}${detail}`;
  }
  if (declineCode) return humanise(declineCode);
  if (failureMessage) return failureMessage.replace(/\.$/, '');
  return 'reason not given';
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
