import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listAudit } from '../../auth/audit.ts';
import { requireRole } from '../../auth/guards.ts';
import { principalOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';

const query = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

export default async function auditRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  app.get('/api/audit', async (req) => {
    const p = principalOf(req);
    requireRole(p, 'owner');
    const { limit } = query.parse(req.query ?? {});
    const entries = await listAudit(db, p.workspaceId, limit);
    return {
      data: entries.map((e) => ({
        id: e.id,
        at: e.at,
        actor: e.actor,
        action: e.action,
        target: e.target,
        detail: e.detail,
      })),
      next_cursor: null,
    };
  });
}
