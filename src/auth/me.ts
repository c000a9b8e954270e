import type { Queryable } from '../db/client.ts';
import type { Role } from './roles.ts';
import { csrfTokenFor } from './sessions.ts';
import { getUser } from './users.ts';
import { getWorkspace } from './workspaces.ts';

/** The `GET /api/me` answer: who is signed in, where, with which role, and the CSRF token. */
export async function describeMe(
  q: Queryable,
  input: { workspaceId: string; userId?: string; role?: Role; scope: string; sessionToken?: string | null },
) {
  const workspace = await getWorkspace(q, input.workspaceId);
  const user = input.userId ? await getUser(q, input.userId) : null;
  return {
    user: user ? { id: user.id, email: user.email, name: user.name } : null,
    workspace: workspace
      ? { id: workspace.id, name: workspace.name, reporting_currency: workspace.reportingCurrency }
      : null,
    role: input.role ?? null,
    scope: input.scope,
    csrf_token: input.sessionToken ? csrfTokenFor(input.sessionToken) : null,
  };
}
