import type { Command } from 'commander';
import { registerSandboxCommand } from '../../../sandbox/cli.ts';

/** `atlas-stripe sandbox`: the Stripe-compatible server lives apart from the connector (sandbox/). */
export function register(program: Command): void {
  registerSandboxCommand(program);
}
