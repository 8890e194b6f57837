import { test, expect, type Page } from '@playwright/test';
// @ts-expect-error: a plain ES module shared with the node suites
import { routerManualPdf } from './fakes/routerManualPdf.mjs';

// The entity page against the real portal, the real gateway and the real
// chatbot service that scripts/start.sh runs, with a fake Kubernetes API
// server and a fake Jenkins on loopback (app-config.e2e.yaml).
const screenshotDir = 'test-results/screenshots';
const ENTITY = '/catalog/default/component/demo-chatbot';

async function signIn(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: 'Demo chatbot' })).toBeVisible();
}

test('the overview card shows pods from the cluster with the crash loop flagged, the links, and runs the pipeline', async ({
  page,
}) => {
  await signIn(page);
  await page.goto(ENTITY);
  const card = page.locator('.MuiCard-root', {
    has: page.getByText('Chatbot', { exact: true }),
  });
  await expect(card.getByText('e2e: 1/3 pods ready, 7 restarts')).toBeVisible();
  await expect(card.getByText('CrashLoopBackOff: 1')).toBeVisible();
  await expect(card.getByText('Pending: 1')).toBeVisible();
  await expect(card.getByRole('alert').first()).toContainText(
    'demo-chatbot-7d9f8b6c5d-crash',
  );
  await expect(card.getByText('1.4.2')).toBeVisible();
  await expect(card.getByRole('link', { name: /Dashboard/ })).toHaveAttribute(
    'href',
    /^http:\/\/grafana\.e2e\.invalid\/d\/llm-chatbot\?var-namespace=chatbots&var-service=demo-chatbot/,
  );

  await card.getByRole('button', { name: 'Run pipeline' }).click();
  // The job's latest builds, through the gateway, include the new one.
  await expect(card.getByRole('list', { name: 'Latest builds' })).toContainText(
    '#100',
  );
  await expect(card.getByRole('status')).toContainText(/Started build #\d+/);
  await page.screenshot({
    path: `${screenshotDir}/demo-chatbot-entity-page.png`,
    fullPage: true,
  });
});

test('the home page lists the chatbots with the health of their pods', async ({
  page,
}) => {
  await signIn(page);
  await page.goto('/home');
  const chatbots = page.getByRole('list', { name: 'Chatbots' });
  await expect(
    chatbots.getByRole('link', { name: 'Demo chatbot' }),
  ).toBeVisible();
  await expect(
    chatbots.getByText(/e2e: 1\/3 ready, CrashLoopBackOff, Pending/),
  ).toBeVisible();
  await expect(page.getByText('Random Joke')).toHaveCount(0);
  await page.screenshot({ path: `${screenshotDir}/home.png`, fullPage: true });
});

test('the chat tab: upload a PDF, watch it ingest, ask with a cited page, stop an answer, delete the document', async ({
  page,
}) => {
  await signIn(page);
  await page.goto(`${ENTITY}/chatbot`);
  await page
    .getByRole('button', { name: 'New conversation', exact: true })
    .click();

  // Unique per run: the local service keeps its documents between runs.
  const filename = `router-manual-${Date.now()}.pdf`;
  await page.getByTestId('upload-input').setInputFiles({
    name: filename,
    mimeType: 'application/pdf',
    buffer: await routerManualPdf(String(Date.now())),
  });
  await expect(page.getByText(/Ready: 2 pages/)).toBeVisible({
    timeout: 60_000,
  });
  const documents = page.getByRole('list', { name: 'Documents' });
  await expect(documents.getByText(filename)).toBeVisible();

  const question = page.getByRole('textbox', { name: 'Question' });
  await question.fill('How long do I hold the reset button?');
  await question.press('Enter');
  const turns = page.getByTestId('message-list');
  await expect(turns.getByText(/ten seconds/).last()).toBeVisible();
  await expect(
    turns
      .getByRole('button', { name: `Source 1: ${filename}, page 2` })
      .first(),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/demo-chatbot-chat-tab.png`,
    fullPage: true,
  });

  // Answers that overflow the list are measured as they stream: nothing may
  // cover the page (the development server's error overlay did, from a
  // ResizeObserver loop) or the buttons above the list.
  for (const more of [
    'What does the reset button do?',
    'How do I restore factory settings?',
    'Where is the reset button?',
  ]) {
    await question.fill(more);
    await question.press('Enter');
    await expect(
      page.getByRole('button', { name: 'Send question' }),
    ).toBeVisible();
  }
  await expect(page.locator('#webpack-dev-server-client-overlay')).toHaveCount(
    0,
  );
  // The answer read to screen readers takes no room on screen: laid out
  // off-screen only, it was a full-width strip over the buttons above.
  const announced = await page
    .getByRole('status')
    .filter({ hasText: /reset/ })
    .boundingBox();
  expect(announced!.width * announced!.height).toBeLessThanOrEqual(1);

  // A slow network keeps the second answer streaming long enough to stop it.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: 150,
    uploadThroughput: -1,
  });
  await question.fill('Where is the reset button?');
  await question.press('Enter');
  const stop = page.getByRole('button', { name: 'Stop the answer' });
  await expect(stop).toBeVisible();
  await stop.click();
  await expect(turns.getByText('Stopped')).toBeVisible();
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });

  await documents.getByRole('button', { name: `Delete ${filename}` }).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(documents.getByText(filename)).toHaveCount(0);

  // With answers on screen, a mouse click still reaches New conversation.
  await page
    .getByRole('button', { name: 'New conversation', exact: true })
    .click();
  await expect(turns.getByText(/ten seconds/)).toHaveCount(0);
});
