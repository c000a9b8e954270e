import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { exitWithError } from './errors.ts';

/**
 * `atlas-stripe`: every file in ./commands registers one command (serve, sandbox, sync, token, …),
 * so adding a command never touches this file. Usage errors exit 2, failures exit 1.
 */

const program = new Command('atlas-stripe')
  .description('Atlas Stripe Billing connector')
  .showHelpAfterError()
  .exitOverride();

const dir = join(import.meta.dirname, 'commands');
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .sort()) {
  const mod = (await import(join(dir, file))) as { register?: (p: Command) => void };
  mod.register?.(program);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
    process.exit(ok ? 0 : 2);
  }
  exitWithError(error);
}
