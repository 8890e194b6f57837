import { test, expect, type Page } from '@playwright/test';

// The "create chatbot" software template in the real portal: listed under
// Create, and its form checks what a person types, page by page, with
// messages that say what to fix. (Running it needs GCP, GitHub and a
// cluster; the scaffolder module's template test runs it against fakes.)
const screenshotDir = 'test-results/screenshots';

async function openForm(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByRole('link', { name: 'Demo chatbot' })).toBeVisible();
  await page.goto('/create');
  const card = page.locator('.MuiCard-root', { hasText: 'Create a chatbot' });
  await expect(card).toBeVisible();
  await expect(card).toContainText('Google Kubernetes Engine');
  await card.getByRole('button', { name: 'Choose' }).click();
  await expect(
    page.getByText('Chatbot', { exact: true }).first(),
  ).toBeVisible();
}

test('the create-chatbot form explains bad input and shows fields for the choices made', async ({
  page,
}) => {
  await openForm(page);

  // Page 1: the name must be a DNS label.
  await page.getByLabel('Owner').click();
  await page.getByRole('option', { name: /ml-platform/ }).click();
  await page.getByLabel('Name').fill('Support_Bot');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page.getByText(/Use 1-40 lowercase letters, digits and dashes/).first(),
  ).toBeVisible();
  await page.getByLabel('Name').fill('support-bot');
  await page.getByRole('button', { name: 'Next' }).click();

  // Page 2: the model server's fields follow the choice.
  await expect(page.getByLabel('Model id')).toHaveValue(
    'Qwen/Qwen2.5-1.5B-Instruct-GGUF',
  );
  await page.getByLabel('Model server').click();
  await page
    .getByRole('option', { name: 'An existing OpenAI-compatible endpoint' })
    .click();
  await expect(page.getByLabel('Model id')).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: /^Endpoint/ })).toBeVisible();
  await page
    .getByRole('textbox', { name: /^Endpoint/ })
    .fill('http://llm.example.com/v1');
  await page.getByRole('textbox', { name: /^Key Secret/ }).fill('openai-key');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page
      .getByText(/An https:\/\/ URL, e\.g\. https:\/\/llm\.example\.com/)
      .first(),
  ).toBeVisible();
  await page
    .getByRole('textbox', { name: /^Endpoint/ })
    .fill('https://llm.example.com/v1');
  await page.getByRole('button', { name: 'Next' }).click();

  // Page 3: the defaults terraform/ shares, and GCP's naming rules.
  await expect(page.getByLabel('Location')).toHaveValue('asia-southeast1-b');
  await expect(
    page.getByRole('textbox', { name: /^Machine type/ }),
  ).toHaveValue('e2-standard-4');
  await page.getByLabel('GCP project id').fill('Acme');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(
    page.getByText(/A GCP project id: 6-30 lowercase letters/).first(),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshotDir}/create-chatbot-form.png`,
    fullPage: true,
  });
});
