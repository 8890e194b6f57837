import { test, expect } from '@playwright/test';

// The chatbot service scripts/start.sh runs next to the portal.
const CHATBOT = `http://127.0.0.1:${process.env.CHATBOT_PORT ?? 8080}`;

const screenshotDir = 'test-results/screenshots';

test('a guest signs in and opens demo-chatbot from the catalog', async ({
  page,
}) => {
  const pageErrors: string[] = [];
  page.on('pageerror', error => pageErrors.push(String(error)));

  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  // The local catalog from catalog/ is ingested and lists the demo chatbot.
  const row = page.getByRole('link', { name: 'Demo chatbot' });
  await expect(row).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/catalog.png`,
    fullPage: true,
  });
  await row.click();

  await expect(page).toHaveURL(/\/catalog\/default\/component\/demo-chatbot/);
  await expect(
    page.getByRole('heading', { name: 'Demo chatbot' }).first(),
  ).toBeVisible();
  await expect(
    page.getByText('RAG chatbot over uploaded PDFs', { exact: false }).first(),
  ).toBeVisible();
  // Ownership and system relations resolved from the catalog.
  await expect(
    page.getByRole('link', { name: 'ml-platform' }).first(),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'LLM chatbot platform' }).first(),
  ).toBeVisible();

  await page.screenshot({
    path: `${screenshotDir}/demo-chatbot-entity-page.png`,
    fullPage: true,
  });
  expect(pageErrors).toEqual([]);
});

test('the start command also runs the chatbot service on its offline defaults', async ({
  request,
}) => {
  const ready = await request.get(`${CHATBOT}/readyz`);
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toMatchObject({
    status: 'ready',
    checks: { vectorStore: 'embedded: ok', llm: 'offline: ok' },
  });
  // Its API is closed without the token.
  expect((await request.get(`${CHATBOT}/v1/collections`)).status()).toBe(401);
});
