import type { FastifyInstance } from 'fastify';
import { mrrReport, mrrReportQuery } from '../../reports/mrr-report.ts';
import { principalOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';

export default async function reportRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  app.get('/api/reports/mrr', async (req) => {
    const query = mrrReportQuery.parse(req.query);
    try {
      return await mrrReport(db, principalOf(req).workspaceId, query);
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError(400, 'invalid_request', error.message);
      throw error;
    }
  });
}
