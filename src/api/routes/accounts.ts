import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AccountConflictError,
  accountFields,
  createAccount,
  deleteAccount,
  getAccount,
  updateAccount,
} from '../../accounts/accounts.ts';
import { accountDetail } from '../../accounts/detail.ts';
import { importAccountsCsv } from '../../accounts/import.ts';
import { LinkError, linkCustomerManually } from '../../accounts/linking.ts';
import { recomputeAccounts } from '../../accounts/recompute.ts';
import { getAccountSummary, listAccounts, listQuery } from '../../accounts/summaries.ts';
import { accountTimeline } from '../../accounts/timeline.ts';
import { recordAudit } from '../../auth/audit.ts';
import { principalOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';

const idParams = z.object({ id: z.string().min(1).max(100) });
const linkBody = z.object({
  customer_id: z.string().regex(/^cus_[A-Za-z0-9_]+$/, 'customer_id must be a Stripe customer id (cus_…)'),
});
const timelineQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

function conflict(error: unknown): never {
  if (error instanceof AccountConflictError)
    throw new ApiError(409, error.code, `${error.message}; use another external_id`);
  throw error;
}

export default async function accountRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  // CSV imports arrive as text/csv; kept as a string for the import to parse.
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  app.get('/api/accounts', async (req) =>
    listAccounts(db, principalOf(req).workspaceId, listQuery.parse(req.query)),
  );

  app.get('/api/accounts/:id', async (req) => {
    const { id } = idParams.parse(req.params);
    const detail = await accountDetail(db, principalOf(req).workspaceId, id);
    if (!detail) throw notFound('Account');
    return detail;
  });

  app.get('/api/accounts/:id/timeline', async (req) => {
    const { id } = idParams.parse(req.params);
    const { limit } = timelineQuery.parse(req.query);
    if (!(await getAccount(db, principalOf(req).workspaceId, id))) throw notFound('Account');
    return { data: await accountTimeline(db, id, { limit }) };
  });

  app.post('/api/accounts', async (req, reply) => {
    const p = principalOf(req);
    const fields = accountFields.parse(req.body ?? {});
    const account = await createAccount(db, p.workspaceId, fields).catch(conflict);
    await recordAudit(db, {
      workspaceId: p.workspaceId,
      actor: p.actor,
      action: 'account.create',
      target: account.id,
    });
    const found = await getAccountSummary(db, p.workspaceId, account.id);
    return reply.status(201).send(found!.summary);
  });

  app.patch('/api/accounts/:id', async (req) => {
    const p = principalOf(req);
    const { id } = idParams.parse(req.params);
    const fields = accountFields
      .partial()
      .strict()
      .parse(req.body ?? {});
    const updated = await updateAccount(db, p.workspaceId, id, fields).catch(conflict);
    if (!updated) throw notFound('Account');
    return (await getAccountSummary(db, p.workspaceId, id))!.summary;
  });

  app.delete('/api/accounts/:id', async (req) => {
    const p = principalOf(req);
    const { id } = idParams.parse(req.params);
    if (!(await deleteAccount(db, p.workspaceId, id))) throw notFound('Account');
    await recordAudit(db, {
      workspaceId: p.workspaceId,
      actor: p.actor,
      action: 'account.delete',
      target: id,
    });
    return { deleted: true, id };
  });

  app.post('/api/accounts/:id/customers', async (req) => {
    const p = principalOf(req);
    const { id } = idParams.parse(req.params);
    const { customer_id } = linkBody.parse(req.body ?? {});
    if (!(await getAccount(db, p.workspaceId, id))) throw notFound('Account');
    await db.transaction(async (tx) => {
      try {
        const { previousAccountId } = await linkCustomerManually(tx, {
          workspaceId: p.workspaceId,
          accountId: id,
          customerId: customer_id,
        });
        await recomputeAccounts(tx, {
          workspaceId: p.workspaceId,
          accountIds: [id, ...(previousAccountId ? [previousAccountId] : [])],
        });
      } catch (error) {
        if (error instanceof LinkError) throw new ApiError(404, error.code, error.message);
        throw error;
      }
    });
    await recordAudit(db, {
      workspaceId: p.workspaceId,
      actor: p.actor,
      action: 'account.link_customer',
      target: id,
      detail: { customer_id },
    });
    return accountDetail(db, p.workspaceId, id);
  });

  app.post('/api/accounts/import', async (req, reply) => {
    const p = principalOf(req);
    if (typeof req.body !== 'string') {
      throw new ApiError(
        415,
        'unsupported_media_type',
        'Send the CSV as the request body with Content-Type: text/csv',
      );
    }
    const result = await importAccountsCsv(db, p.workspaceId, req.body);
    if (result.errors.length > 0) {
      return reply.status(400).send({
        imported: 0,
        errors: result.errors,
        error: {
          code: 'invalid_csv',
          message: `${result.errors.length} problem(s) in the CSV; nothing was imported. Fix the rows listed and send it again`,
        },
      });
    }
    await recordAudit(db, {
      workspaceId: p.workspaceId,
      actor: p.actor,
      action: 'account.import',
      detail: { imported: result.imported },
    });
    return result;
  });
}
