import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../auth/audit.ts';
import { peopleCall, requireRole } from '../../auth/guards.ts';
import { ROLES } from '../../auth/roles.ts';
import { issueInviteLink } from '../../auth/setup.ts';
import {
  addMember,
  createUser,
  findUserByEmail,
  listMembers,
  removeMember,
  setMemberRole,
} from '../../auth/users.ts';
import { principalOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { notFound } from '../errors.ts';

const addBody = z.object({
  email: z.email().max(254),
  name: z.string().max(200).default(''),
  role: z.enum(ROLES).default('viewer'),
});
const patchBody = z.object({ role: z.enum(ROLES) });

const shape = (m: { id: string; email: string; name: string; role: string; hasPassword: boolean }) => ({
  id: m.id,
  email: m.email,
  name: m.name,
  role: m.role,
  invite_pending: !m.hasPassword,
});

export default async function memberRoutes(app: FastifyInstance, { db, config }: AppDeps): Promise<void> {
  const baseUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;

  app.get('/api/members', async (req) => ({
    data: (await listMembers(db, principalOf(req).workspaceId)).map(shape),
    next_cursor: null,
  }));

  /** Adds a person; someone new gets an invite link (shown once) to set their password. */
  app.post('/api/members', async (req, reply) => {
    const p = principalOf(req);
    requireRole(p, 'owner');
    const body = addBody.parse(req.body ?? {});
    const result = await peopleCall(() =>
      db.transaction(async (tx) => {
        const existing = await findUserByEmail(tx, body.email);
        const user = existing ?? (await createUser(tx, { email: body.email, name: body.name }));
        await addMember(tx, p.workspaceId, user.id, body.role);
        await recordAudit(tx, {
          workspaceId: p.workspaceId,
          actor: p.actor,
          action: 'member.added',
          target: user.id,
          detail: { email: user.email, role: body.role },
        });
        const invite = user.hasPassword ? null : await issueInviteLink(tx, user.id, baseUrl);
        return { member: { ...user, role: body.role }, invite };
      }),
    );
    return reply.status(201).send({ ...shape(result.member), invite_url: result.invite });
  });

  app.patch<{ Params: { id: string } }>('/api/members/:id', async (req) => {
    const p = principalOf(req);
    requireRole(p, 'owner');
    const { role } = patchBody.parse(req.body ?? {});
    const changed = await peopleCall(() => setMemberRole(db, p.workspaceId, req.params.id, role));
    if (!changed) throw notFound('Member');
    await recordAudit(db, {
      workspaceId: p.workspaceId,
      actor: p.actor,
      action: 'member.role_changed',
      target: req.params.id,
      detail: { role },
    });
    const member = (await listMembers(db, p.workspaceId)).find((m) => m.id === req.params.id)!;
    return shape(member);
  });

  app.delete<{ Params: { id: string } }>('/api/members/:id', async (req) => {
    const p = principalOf(req);
    requireRole(p, 'owner');
    if (!(await peopleCall(() => removeMember(db, p.workspaceId, req.params.id)))) throw notFound('Member');
    await recordAudit(db, {
      workspaceId: p.workspaceId,
      actor: p.actor,
      action: 'member.removed',
      target: req.params.id,
    });
    return { removed: true };
  });
}
