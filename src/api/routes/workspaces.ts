import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../auth/audit.ts';
import { requireUser } from '../../auth/guards.ts';
import { describeMe } from '../../auth/me.ts';
import { sessionTokenOf } from '../../auth/session-authenticator.ts';
import { switchSessionWorkspace } from '../../auth/sessions.ts';
import { roleIn } from '../../auth/users.ts';
import { createWorkspace, getWorkspace, listWorkspacesOf } from '../../auth/workspaces.ts';
import { principalOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { notFound } from '../errors.ts';

const createBody = z.object({
  name: z.string().min(1).max(100),
  reporting_currency: z
    .string()
    .regex(/^[a-zA-Z]{3}$/, 'a three-letter ISO currency code')
    .optional(),
});

const shape = (w: { id: string; name: string; reportingCurrency: string }, role: string | null) => ({
  id: w.id,
  name: w.name,
  reporting_currency: w.reportingCurrency,
  role,
});

export default async function workspaceRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  /** A person sees the workspaces they belong to; an API token only its own. */
  app.get('/api/workspaces', async (req) => {
    const p = principalOf(req);
    if (!p.userId) {
      const w = await getWorkspace(db, p.workspaceId);
      return { data: w ? [shape(w, null)] : [], next_cursor: null };
    }
    const list = await listWorkspacesOf(db, p.userId);
    return { data: list.map((w) => shape(w, w.role)), next_cursor: null };
  });

  /** Any signed-in person may start a new workspace; they become its owner. */
  app.post('/api/workspaces', { config: { scope: 'read' } }, async (req, reply) => {
    const p = principalOf(req);
    const userId = requireUser(p);
    const body = createBody.parse(req.body ?? {});
    const w = await db.transaction(async (tx) => {
      const created = await createWorkspace(tx, {
        name: body.name,
        reportingCurrency: body.reporting_currency,
        ownerId: userId,
      });
      await recordAudit(tx, {
        workspaceId: created.id,
        actor: p.actor,
        action: 'workspace.created',
        target: created.id,
      });
      return created;
    });
    return reply.status(201).send(shape(w, 'owner'));
  });

  /** Moves the session to another of the person's workspaces (read scope: it changes no data). */
  app.post<{ Params: { id: string } }>(
    '/api/workspaces/:id/switch',
    { config: { scope: 'read' } },
    async (req) => {
      const p = principalOf(req);
      const userId = requireUser(p);
      const token = sessionTokenOf(req);
      if (!token || !(await switchSessionWorkspace(db, token, req.params.id))) throw notFound('Workspace');
      const role = await roleIn(db, req.params.id, userId);
      return describeMe(db, {
        workspaceId: req.params.id,
        userId,
        role: role ?? undefined,
        scope: role === 'viewer' ? 'read' : 'write',
        sessionToken: token,
      });
    },
  );
}
