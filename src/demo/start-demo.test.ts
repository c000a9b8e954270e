import { expect, it } from 'vitest';
import { describeEachStore } from '../../test/support/stores.ts';
import { resolveConfig } from '../config/config.ts';
import { saveConnector } from '../connector/connectors.ts';
import { createVault } from '../connector/vault.ts';
import { listFxRates, saveFxRates, validateFxRows } from '../reports/fx-rates.ts';
import { DEFAULT_CONNECTOR_ID } from '../server/start-server.ts';
import { demoSkipReason, ensureDemoFxRates } from './start-demo.ts';

const vault = createVault(Buffer.alloc(32, 7));
const config = (flags: Record<string, unknown> = {}) =>
  resolveConfig({ dataDir: '/tmp/unused', ...flags }, {});

describeEachStore('when the demo starts', ({ store }) => {
  it('starts on a fresh store with no key, and never with a key or ATLAS_DEMO=false', async () => {
    const db = store().db;
    expect(await demoSkipReason(config(), db)).toBeNull();
    expect(await demoSkipReason(config({ stripeApiKey: 'rk_test_abcdefgh12345678' }), db)).toMatch(
      /key is configured/,
    );
    expect(await demoSkipReason(config({ demo: false }), db)).toMatch(/demo mode is off/);
  });

  it('restarts over its own sandbox connector, but leaves a real Stripe connection alone', async () => {
    const db = store().db;
    await saveConnector(db, vault, {
      id: DEFAULT_CONNECTOR_ID,
      workspaceId: 'default',
      apiKey: 'rk_test_sandboxkey1234',
      apiBase: 'http://127.0.0.1:1',
    });
    expect(await demoSkipReason(config(), db)).toBeNull();
    await saveConnector(db, vault, {
      id: DEFAULT_CONNECTOR_ID,
      workspaceId: 'default',
      apiKey: 'rk_live_realkey12345678',
    });
    expect(await demoSkipReason(config(), db)).toMatch(/connected to Stripe/);
    await db.query('DELETE FROM connectors');
    await saveConnector(db, vault, { workspaceId: 'default', apiKey: 'rk_test_otherkey12345678' });
    expect(await demoSkipReason(config(), db)).toMatch(/already connected/);
    await db.query('DELETE FROM connectors');
  });

  it("loads its FX rates only when the workspace has none, never over the user's", async () => {
    const db = store().db;
    await ensureDemoFxRates(db);
    expect((await listFxRates(db, 'default')).map((r) => r.base).sort()).toEqual(['eur', 'gbp', 'jpy']);
    await db.query('DELETE FROM fx_rates');
    await saveFxRates(
      db,
      'default',
      validateFxRows([{ date: '2026-01-01', base: 'eur', quote: 'usd', rate: '1.5' }]),
    );
    await ensureDemoFxRates(db);
    const rows = await listFxRates(db, 'default');
    expect(rows).toHaveLength(1);
    expect(String(rows[0]!.rate)).toBe('1.5');
  });
});
