// Stripe's test payment-method tokens and what a charge on each one does.
// Deviation from live Stripe, on purpose: every decline card attaches successfully (Stripe declines
// most of them at attach); charges then fail with the card's code, which is what dunning tests need.
export type CardBehaviour = {
  brand: string;
  last4: string;
  funding: 'credit' | 'debit' | 'prepaid';
  country: string;
  /** Decline code for charges; undefined = charges succeed. */
  decline?: { code: string; decline_code: string; message: string; reason: string };
  /** A successful charge is disputed shortly after. */
  dispute?: boolean;
  risk?: 'normal' | 'elevated' | 'highest';
};

const generic = {
  code: 'card_declined',
  decline_code: 'generic_decline',
  message: 'Your card was declined.',
  reason: 'generic_decline',
};

export const TEST_CARDS: Record<string, CardBehaviour> = {
  pm_card_visa: { brand: 'visa', last4: '4242', funding: 'credit', country: 'US' },
  pm_card_visa_debit: { brand: 'visa', last4: '5556', funding: 'debit', country: 'US' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit', country: 'US' },
  pm_card_mastercard_debit: { brand: 'mastercard', last4: '8210', funding: 'debit', country: 'US' },
  pm_card_amex: { brand: 'amex', last4: '8431', funding: 'credit', country: 'US' },
  pm_card_discover: { brand: 'discover', last4: '1117', funding: 'credit', country: 'US' },
  pm_card_gb: { brand: 'visa', last4: '0000', funding: 'credit', country: 'GB' },
  pm_card_de: { brand: 'visa', last4: '0016', funding: 'credit', country: 'DE' },
  pm_card_jp: { brand: 'visa', last4: '0003', funding: 'credit', country: 'JP' },
  pm_card_chargeCustomerFail: {
    brand: 'visa',
    last4: '0341',
    funding: 'credit',
    country: 'US',
    decline: generic,
  },
  pm_card_chargeDeclined: {
    brand: 'visa',
    last4: '0002',
    funding: 'credit',
    country: 'US',
    decline: generic,
  },
  pm_card_visa_chargeDeclined: {
    brand: 'visa',
    last4: '0002',
    funding: 'credit',
    country: 'US',
    decline: generic,
  },
  pm_card_visa_chargeDeclinedInsufficientFunds: insufficient(),
  pm_card_chargeDeclinedInsufficientFunds: insufficient(),
  pm_card_chargeDeclinedExpiredCard: declined(
    '0069',
    'expired_card',
    'expired_card',
    'Your card has expired.',
  ),
  pm_card_chargeDeclinedLostCard: declined('9987', 'card_declined', 'lost_card', 'Your card was declined.'),
  pm_card_chargeDeclinedStolenCard: declined(
    '9979',
    'card_declined',
    'stolen_card',
    'Your card was declined.',
  ),
  pm_card_chargeDeclinedIncorrectCvc: declined(
    '0127',
    'incorrect_cvc',
    'incorrect_cvc',
    "Your card's security code is incorrect.",
  ),
  pm_card_chargeDeclinedProcessingError: declined(
    '0119',
    'processing_error',
    'processing_error',
    'An error occurred while processing your card. Try again in a little bit.',
  ),
  pm_card_chargeDeclinedFraudulent: declined(
    '0019',
    'card_declined',
    'fraudulent',
    'Your card was declined.',
  ),
  pm_card_createDispute: { brand: 'visa', last4: '0259', funding: 'credit', country: 'US', dispute: true },
  pm_card_riskLevelElevated: {
    brand: 'visa',
    last4: '9235',
    funding: 'credit',
    country: 'US',
    risk: 'elevated',
  },
};

function insufficient(): CardBehaviour {
  return declined('9995', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.');
}

function declined(last4: string, code: string, declineCode: string, message: string): CardBehaviour {
  return {
    brand: 'visa',
    last4,
    funding: 'credit',
    country: 'US',
    decline: { code, decline_code: declineCode, message, reason: declineCode },
  };
}

export const EXPIRED_DECLINE = {
  code: 'expired_card',
  decline_code: 'expired_card',
  message: 'Your card has expired.',
  reason: 'expired_card',
};
