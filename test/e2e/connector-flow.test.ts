import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { issueSetupLinkIfNeeded } from '../../src/auth/setup.ts';
import { collectPageErrors, launchBrowser, screenshot } from './support/browser.ts';
import { ensureWebBuilt } from './support/build-web.ts';
import { type FlowEnv, sendTestEvent, startFlowEnv } from './support/flow-server.ts';

/**
 * The admin's whole journey in a real browser, from a fresh store: set-up link, connect (wrong
 * secret, then a key missing a permission, then right), Connected, accounts with health, an
 * account's failed payment, revenue, disconnect. Screenshots land in test-artifacts/screenshots.
 */

const WAIT = { timeout: 45_000 };

describe('the web UI, end to end', () => {
  let env: FlowEnv;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let url: string;

  beforeAll(async () => {
    await ensureWebBuilt();
    [env, browser] = await Promise.all([startFlowEnv({ seed: 42, customers: 60 }), launchBrowser()]);
    url = env.server.url;
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    page = await context.newPage();
    errors = collectPageErrors(page);
  }, 120_000);

  // A failed step leaves a picture of what the user saw.
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page)
      await screenshot(page, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('asks for the one-time link on the sign-in page, and the link creates the owner', async () => {
    await page.goto(`${url}/login`);
    await page.getByText('Atlas has no owner yet').waitFor();
    await screenshot(page, 'login');

    const link = await issueSetupLinkIfNeeded(env.server.db, url);
    await page.goto(link!);
    await page.getByLabel('Your name').fill('Olivia Owner');
    await page.getByLabel('Email').fill('owner@example.com');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await screenshot(page, 'setup');
    await page.getByRole('button', { name: 'Create owner' }).click();
    await page.waitForURL('**/connector');
    await page.getByRole('heading', { name: 'Get your credentials' }).waitFor();
    // The seed's steps: the permissions to grant and the five events, with the webhook URL to copy.
    for (const scope of ['customers', 'subscriptions', 'invoices', 'charges', 'events'])
      expect(await page.getByText(`read_only.${scope}`).count()).toBe(1);
    expect(await page.getByLabel('Webhook endpoint URL').inputValue()).toBe(`${url}/webhooks/stripe`);
    expect(await page.getByLabel('Events to select').inputValue()).toContain('invoice.payment_failed');
    await screenshot(page, 'connector-new');
  });

  it('connects with a wrong signing secret, and says so once a delivery is rejected', async () => {
    await page.getByLabel('Restricted API key').fill(env.sandbox.restrictedKey);
    await page.getByLabel('Webhook signing secret').fill('whsec_thisIsNotTheRightSecret');
    await page.getByText('Advanced').click();
    await page.getByLabel('Stripe API base URL').fill(env.sandbox.apiBase);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByTestId('connector-status').filter({ hasText: 'Awaiting test event' }).waitFor(WAIT);

    await sendTestEvent(env.stripe);
    await expect
      .poll(
        () =>
          page.request.get(`${url}/api/connectors`).then(async (r) => {
            const id = (await r.json()).data[0].id as string;
            const h = await (await page.request.get(`${url}/api/connectors/${id}/health`)).json();
            return h.deliveries.rejected.signature_mismatch ?? 0;
          }),
        WAIT,
      )
      .toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Test connection' }).click();
    const signature = page.getByTestId('check-webhook_signature');
    await signature.waitFor(WAIT);
    expect(await signature.textContent()).toContain('No such webhook signing secret');
    await screenshot(page, 'connector-wrong-secret');
  });

  it('refuses a key that lacks a permission, and names the permission', async () => {
    const key = env.sandbox.admin.createRestrictedKey({
      customers: 'read',
      subscriptions: 'read',
      invoices: 'read',
      charges: 'read',
    });
    const form = page.getByRole('form', { name: 'Replace credentials' });
    await form.getByLabel('Restricted API key').fill(key);
    await form.getByRole('button', { name: 'Replace credentials' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toMatch(/Events/);
    expect(await alert.textContent()).toContain('missing_permission');
    expect(await form.getByTestId('check-read_only.events').textContent()).toMatch(/Events/);
    await screenshot(page, 'connector-missing-permission');
  });

  it('turns Connected with the right credentials and a test event', async () => {
    const form = page.getByRole('form', { name: 'Replace credentials' });
    await form.getByLabel('Restricted API key').fill(env.sandbox.restrictedKey);
    await form.getByLabel('Webhook signing secret').fill(env.sandbox.webhookSecret);
    await form.getByRole('button', { name: 'Replace credentials' }).click();
    await form.getByText('Credentials replaced.').waitFor(WAIT);
    await sendTestEvent(env.stripe);
    await page.getByTestId('connector-status').filter({ hasText: 'Connected' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Sync now' }).waitFor(WAIT);
    await screenshot(page, 'connector-connected');
  });

  it('lists accounts with health badges, MRR and payment status', async () => {
    await page.getByRole('link', { name: 'Accounts', exact: true }).click();
    const rows = page.getByTestId('accounts-table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 90_000, interval: 1000 }).toBeGreaterThan(10);
    const first = await rows.first().textContent();
    expect(first).toMatch(/Healthy|At risk|Delinquent|Trialing|Churned|No billing/);
    expect(first).toMatch(/\$[\d,]+\.\d{2}/);
    await screenshot(page, 'accounts');

    await page.getByLabel('Health').selectOption('delinquent');
    await page.waitForURL('**health=delinquent**');
    await expect.poll(() => rows.allTextContents(), WAIT).not.toHaveLength(0);
    for (const text of await rows.allTextContents()) expect(text).toContain('Delinquent');

    const narrow = await context.newPage();
    await narrow.setViewportSize({ width: 390, height: 844 });
    await narrow.goto(`${url}/accounts`);
    await narrow.getByTestId('accounts-table').locator('tbody tr').first().waitFor(WAIT);
    // At phone width the rows become cards: nothing overflows the screen sideways.
    expect(await narrow.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(narrow, 'accounts-390', { fullPage: false });
    await narrow.close();
  }, 150_000);

  it("shows an account's failed payment with its reason, and its timeline", async () => {
    // The account to open: one whose recent payments include a failure, preferably with the
    // failure on its timeline too (found through the same API the page uses).
    type Target = { id: string; name: string; failure: string; timelineText: string | null };
    const api = async (path: string) => (await page.request.get(`${url}${path}`)).json();
    let target: Target | undefined;
    for (const health of ['delinquent', 'at_risk']) {
      for (const a of (await api(`/api/accounts?health=${health}&limit=50`)).data as {
        id: string;
        name: string;
      }[]) {
        const detail = await api(`/api/accounts/${a.id}`);
        const failed = (detail.recent_payments as { status: string; failure_message: string | null }[]).find(
          (p) => p.status === 'failed' && p.failure_message,
        );
        if (!failed) continue;
        const timeline = (await api(`/api/accounts/${a.id}/timeline`)).data as {
          type: string;
          text: string;
        }[];
        const entry = timeline.find((t) => t.type === 'payment_failed');
        const candidate = {
          id: a.id,
          name: a.name,
          failure: failed.failure_message!,
          timelineText: entry?.text ?? null,
        };
        if (!target || (!target.timelineText && candidate.timelineText)) target = candidate;
        if (target.timelineText) break;
      }
      if (target?.timelineText) break;
    }
    expect(target, 'an account with a failed payment').toBeDefined();
    await page.goto(`${url}/accounts?q=${encodeURIComponent(target!.name)}`);
    await page.getByRole('link', { name: target!.name, exact: true }).first().click();
    await page.waitForURL(`**/accounts/${target!.id}`);
    await page.getByRole('heading', { name: target!.name }).waitFor();
    await page.getByTestId('payments').getByText(target!.failure).first().waitFor(WAIT);
    expect(await page.getByTestId('health-reasons').locator('li').count()).toBeGreaterThan(0);
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor(WAIT);
    if (target!.timelineText) expect(await timeline.textContent()).toContain(target!.timelineText);
    await screenshot(page, 'account');
  });

  it('draws the revenue charts with data', async () => {
    // Finance loads the FX table first, so every currency reports in USD (the API a CSV upload uses).
    const { csrf_token } = await (await page.request.get(`${url}/api/me`)).json();
    const put = await page.request.put(`${url}/api/fx-rates`, {
      headers: { 'x-csrf-token': csrf_token },
      data: {
        rates: [
          { date: '2024-01-01', base: 'eur', quote: 'usd', rate: '1.08' },
          { date: '2024-01-01', base: 'gbp', quote: 'usd', rate: '1.27' },
          { date: '2024-01-01', base: 'jpy', quote: 'usd', rate: '0.0067' },
        ],
      },
    });
    expect(put.status(), await put.text()).toBe(200);
    await page.getByRole('link', { name: 'Revenue' }).click();
    await page
      .getByRole('img', { name: /MRR by month/ })
      .locator('canvas')
      .waitFor(WAIT);
    const mrr = page.locator('.kpi').filter({ hasText: 'MRR' }).first().locator('.kpi-value');
    expect(await mrr.textContent()).toMatch(/\$[1-9][\d,]*\.\d{2}/);
    expect(await page.getByTestId('currency-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await page.waitForTimeout(600); // chart entry animation, for the screenshot only
    await screenshot(page, 'revenue');
  });

  it('shows delivery health with the rejected signature and its troubleshooting text', async () => {
    await page.getByRole('link', { name: 'Health' }).click();
    const rejected = page.getByTestId('rejected-deliveries');
    await rejected.waitFor(WAIT);
    expect(await rejected.textContent()).toContain('Signature mismatch');
    expect(await rejected.textContent()).toContain('Reveal under Signing secret');
    await screenshot(page, 'health');
  });

  it('disconnects after a confirmation that says what is erased, then reports what was', async () => {
    await page.getByRole('link', { name: 'Connector' }).click();
    await page.getByRole('button', { name: 'Disconnect…' }).click();
    const confirm = page.getByRole('alertdialog');
    expect(await confirm.textContent()).toContain('every Stripe object synced for this connector');
    await screenshot(page, 'connector-disconnect-confirm');
    await confirm.getByRole('button', { name: 'Disconnect and erase' }).click();
    const report = page.getByTestId('erased-report');
    await report.waitFor(WAIT);
    const customers = report.locator('tr').filter({ hasText: 'stripe_customers' });
    expect(Number((await customers.locator('td').nth(1).textContent())?.replace(/\D/g, ''))).toBeGreaterThan(
      50,
    );
    expect(await report.textContent()).toContain('rows were erased');
    await page.getByRole('heading', { name: 'Get your credentials' }).waitFor();
    await screenshot(page, 'connector-disconnected');
    expect(errors).toEqual([]);
  });
});
