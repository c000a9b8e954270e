import type { StartServerOptions } from '../server/start-server.ts';
import { afterApply } from './after-apply.ts';

/**
 * Wires accounts into `serve` (picked up by src/cli/commands/serve.ts): after each webhook event
 * is applied, in the worker's transaction, link the customers it touched and recompute their
 * accounts.
 */
export const serveHooks: StartServerOptions = {
  afterApply: [afterApply],
};
