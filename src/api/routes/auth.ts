import { fastifyCookie } from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { login } from '../../auth/login.ts';
import { describeMe } from '../../auth/me.ts';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../../auth/session-authenticator.ts';
import { endSession, resolveSession } from '../../auth/sessions.ts';
import { principalOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';

const loginBody = z.object({
  email: z.string().min(1).max(254),
  password: z.string().min(1).max(200),
  workspace_id: z.string().max(100).optional(),
});

export default async function authRoutes(app: FastifyInstance, { db, config }: AppDeps): Promise<void> {
  await app.register(fastifyCookie);
  app.post('/api/auth/login', { config: { public: true } }, async (req, reply) => {
    const body = loginBody.parse(req.body ?? {});
    const result = await login(db, {
      email: body.email,
      password: body.password,
      ip: req.ip,
      workspaceId: body.workspace_id,
    });
    if (!result.ok) {
      if (result.reason === 'too_many_attempts') {
        reply.header('retry-after', String(result.retryAfterSeconds));
        throw new ApiError(
          429,
          'too_many_attempts',
          'Too many failed sign-ins for this account or network; wait 15 minutes and try again',
        );
      }
      throw new ApiError(401, 'invalid_credentials', 'Email or password is wrong');
    }
    const session = await resolveSession(db, result.token);
    setSessionCookie(reply, result.token, { publicUrl: config.publicUrl });
    return describeMe(db, {
      workspaceId: result.workspaceId,
      userId: result.userId,
      role: session?.role,
      scope: session?.role === 'viewer' ? 'read' : 'write',
      sessionToken: result.token,
    });
  });

  // Signing out is not a write to workspace data: a viewer may do it too.
  app.post('/api/auth/logout', { config: { scope: 'read' } }, async (req, reply) => {
    const token = sessionTokenOf(req);
    if (token) await endSession(db, token);
    clearSessionCookie(reply, { publicUrl: config.publicUrl });
    return { signed_out: true };
  });

  app.get('/api/me', async (req) => {
    const p = principalOf(req);
    return describeMe(db, {
      workspaceId: p.workspaceId,
      userId: p.userId,
      role: p.role,
      scope: p.scope,
      sessionToken: p.userId ? sessionTokenOf(req) : null,
    });
  });
}
