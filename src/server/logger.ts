import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * One logging setup for the deployment. Secrets never reach a log line: request headers that carry
 * credentials (authorization, cookies, Stripe-Signature) and any field named like a key or secret
 * are censored wherever they appear.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["stripe-signature"]',
  '*.apiKey',
  '*.stripeApiKey',
  '*.stripeWebhookSecret',
  '*.webhookSecret',
  '*.secretKey',
  '*.databaseUrl',
  '*.password',
  '*.token',
  'apiKey',
  'stripeApiKey',
  'stripeWebhookSecret',
  'webhookSecret',
  'secretKey',
  'databaseUrl',
];

export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
