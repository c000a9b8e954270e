import { type Command, InvalidArgumentError } from 'commander';
import { createApiToken, listApiTokens, revokeApiToken, type TokenScope } from '../../auth/tokens.ts';
import { STORE_FLAGS, withStore } from '../context.ts';

interface TokenFlags {
  dataDir?: string;
  databaseUrl?: string;
  workspace: string;
  name: string;
  scope: TokenScope;
  json?: boolean;
}

function scope(value: string): TokenScope {
  if (value !== 'read' && value !== 'write')
    throw new InvalidArgumentError(`scope must be read or write, got "${value}"`);
  return value;
}

export function register(program: Command): void {
  const token = program.command('token').description('Create, list and revoke API tokens');
  const withFlags = (c: Command) => {
    for (const [flag, help] of STORE_FLAGS) c.option(flag, help);
    return c.option('--workspace <id>', 'workspace', 'default').option('--json', 'print JSON');
  };

  withFlags(token.command('create').description('Create a token (printed once, stored hashed)'))
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--scope <scope>', 'read or write', scope, 'write')
    .action(async (flags: TokenFlags) => {
      await withStore(flags, 'token create', async ({ store }) => {
        const { token: secret, info } = await createApiToken(store.db, {
          workspaceId: flags.workspace,
          name: flags.name,
          scope: flags.scope,
        });
        if (flags.json)
          process.stdout.write(`${JSON.stringify({ id: info.id, token: secret, scope: info.scope })}\n`);
        else
          process.stdout.write(
            `${secret}\n\nToken ${info.id} (${info.scope}) created. It is shown only this once.\n`,
          );
      });
    });

  withFlags(token.command('revoke').description('Revoke a token by id (tok_…) or by its value'))
    .argument('<token>', 'token id or value')
    .action(async (idOrToken: string, flags: TokenFlags) => {
      await withStore(flags, 'token revoke', async ({ store }) => {
        const ok = await revokeApiToken(store.db, idOrToken, { workspaceId: flags.workspace });
        if (!ok)
          throw new Error(`No active token "${idOrToken.slice(0, 12)}" in workspace ${flags.workspace}`);
        process.stdout.write('Token revoked.\n');
      });
    });

  withFlags(token.command('list').description('List tokens (never their values)')).action(
    async (flags: TokenFlags) => {
      await withStore(flags, 'token list', async ({ store }) => {
        const tokens = await listApiTokens(store.db, flags.workspace);
        if (flags.json) process.stdout.write(`${JSON.stringify(tokens)}\n`);
        else
          for (const t of tokens)
            process.stdout.write(
              `${t.id}  ${t.prefix}…  ${t.scope}  ${t.name}${t.revokedAt ? '  (revoked)' : ''}\n`,
            );
      });
    },
  );
}
