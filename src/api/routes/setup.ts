import { fastifyCookie } from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { peopleCall } from '../../auth/guards.ts';
import { setSessionCookie } from '../../auth/session-authenticator.ts';
import { completeSetup, inspectLink, setupNeeded } from '../../auth/setup.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';

const setupBody = z.object({
  token: z.string().min(1).max(200),
  email: z.email().max(254),
  password: z.string().min(1).max(200),
  name: z.string().max(200).default(''),
});

export default async function setupRoutes(app: FastifyInstance, { db, config }: AppDeps): Promise<void> {
  await app.register(fastifyCookie);
  app.get<{ Querystring: { token?: string } }>('/api/setup', { config: { public: true } }, async (req) => {
    const link = req.query.token ? await inspectLink(db, req.query.token) : null;
    return {
      needed: await setupNeeded(db),
      link: link
        ? { valid: true, purpose: link.purpose, email: link.email }
        : req.query.token
          ? { valid: false }
          : null,
    };
  });

  app.post('/api/setup', { config: { public: true } }, async (req, reply) => {
    const body = setupBody.parse(req.body ?? {});
    const done = await peopleCall(() => completeSetup(db, body));
    if (!done) throw new ApiError(400, 'invalid_setup_token', 'Unknown set-up link');
    setSessionCookie(reply, done.sessionToken, { publicUrl: config.publicUrl });
    return reply.status(201).send({ user_id: done.userId, workspace_id: done.workspaceId });
  });
}
