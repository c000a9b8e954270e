import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CsvSyntaxError } from '../../accounts/csv.ts';
import { recordAudit } from '../../auth/audit.ts';
import {
  FxRatesInputError,
  fxRowsFromCsv,
  listFxRates,
  saveFxRates,
  validateFxRows,
} from '../../reports/fx-rates.ts';
import { refreshFxDependentFigures } from '../../reports/movements-in-currency.ts';
import { principalOf } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';

const jsonBody = z.object({ rates: z.array(z.unknown()).min(1, 'send at least one rate').max(100_000) });

export default async function fxRateRoutes(app: FastifyInstance, { db }: AppDeps): Promise<void> {
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  app.get('/api/fx-rates', async (req) => ({ data: await listFxRates(db, principalOf(req).workspaceId) }));

  /** JSON `{ rates: [{date, base, quote, rate}] }` or CSV with a date,base,quote,rate header. */
  app.put('/api/fx-rates', async (req) => {
    const p = principalOf(req);
    let raw: unknown[];
    try {
      raw = typeof req.body === 'string' ? fxRowsFromCsv(req.body) : jsonBody.parse(req.body ?? {}).rates;
    } catch (error) {
      if (error instanceof CsvSyntaxError) throw new ApiError(400, 'invalid_csv', error.message);
      throw error;
    }
    let rows: ReturnType<typeof validateFxRows>;
    try {
      rows = validateFxRows(raw);
    } catch (error) {
      if (error instanceof FxRatesInputError)
        throw new ApiError(400, 'invalid_fx_rates', error.message, error.errors);
      throw error;
    }
    // Movements and reporting MRR depend on the rates: refresh them in the same transaction.
    const refreshed = await db.transaction(async (tx) => {
      await saveFxRates(tx, p.workspaceId, rows);
      return refreshFxDependentFigures(tx, p.workspaceId);
    });
    await recordAudit(db, {
      workspaceId: p.workspaceId,
      actor: p.actor,
      action: 'fx_rates.put',
      detail: { rows: rows.length },
    });
    return { saved: rows.length, accounts_refreshed: refreshed.accounts };
  });
}
