import { type Page } from '@playwright/test';
import { SCREENSHOTS, expect, test } from './fixtures';

/**
 * A bank brings its own data (issue 11): import a customer file and watch it load, create a
 * segmentation on some of its columns (numeric and categorical) and train it, then switch to it
 * and predict with the categorical feature chosen from a select. The three journeys build on
 * each other, so they run in order against the same stack.
 */
test.describe.configure({ mode: 'serial' });

const ROWS = 600;
const SEGMENTATION = `e2e-cards-${Date.now().toString(36)}`;
const CHANNELS = ['online', 'branch', 'phone'];

/** Three clear groups of card holders plus blank cells, text ids and one line without an id. */
function customerCsv(): string {
  const lines = ['customer_id,BALANCE,CREDIT_LIMIT,TENURE,CHANNEL'];
  for (let i = 0; i < ROWS; i++) {
    const group = i % 3;
    const jitter = ((i * 7919) % 100) / 100;
    const balance = [150, 4200, 1500][group] * (0.8 + 0.4 * jitter);
    const limit = [1000, 12000, 4000][group] * (0.9 + 0.2 * jitter);
    const tenure = [6, 11, 12][group] - (i % 2);
    const blank = i % 97 === 5; // a missing value, never read as zero
    lines.push(
      `E2E-C${10001 + i},${blank ? '' : balance.toFixed(2)},${limit.toFixed(0)},${tenure},${CHANNELS[group]}`,
    );
  }
  lines.push(',100.00,1000,12,online');
  return lines.join('\n') + '\n';
}

async function chooseOption(page: Page, select: ReturnType<Page['locator']>, option: string) {
  await select.click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

test('import a file and watch its progress', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/import');
  await expect(page.getByRole('heading', { name: 'Import customers' })).toBeVisible();

  await page.locator('#import-file').setInputFiles({
    name: 'e2e-cards.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(customerCsv(), 'utf-8'),
  });
  await page.getByRole('button', { name: 'Import' }).click();

  const progress = page.getByTestId('import-progress');
  await expect(progress).toBeVisible();
  await expect(progress.getByRole('progressbar')).toBeVisible();
  await expect(progress).toHaveAttribute('data-status', 'succeeded', { timeout: 90_000 });
  await expect(progress.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');

  const count = async (name: string) =>
    Number((await progress.locator(`[data-count="${name}"]`).innerText()).replace(/,/g, ''));
  expect(await count('rejected')).toBe(1);
  expect((await count('imported')) + (await count('updated')) + (await count('unchanged'))).toBe(
    ROWS,
  );

  const rejects = progress.locator('a.rejects');
  await expect(rejects).toBeVisible();
  const download = await page.request.get((await rejects.getAttribute('href')) ?? '');
  expect(download.status()).toBe(200);
  expect(download.headers()['content-type']).toContain('text/csv');
  expect(await download.text()).toMatch(/^line,column,reason/);

  await expect(page.locator('table.recent tbody tr').first()).toContainText('e2e-cards.csv');
  await page.screenshot({ path: `${SCREENSHOTS}/import.png`, fullPage: true });

  // The imported customer carries its own columns, text id included.
  await page.goto('/customers/E2E-C10002');
  await expect(page.getByRole('heading', { name: 'Customer E2E-C10002' })).toBeVisible();
  const attributes = page.getByTestId('imported-attributes');
  await expect(attributes.locator('[data-attribute="CHANNEL"]')).toHaveText('branch');
});

test('create a segmentation from imported columns and train it', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/training');
  const panel = page.getByTestId('new-segmentation');
  await expect(panel.locator('tr[data-column="CHANNEL"]')).toBeVisible();

  await panel.getByLabel('Name', { exact: true }).fill(SEGMENTATION);
  const kinds: Record<string, string> = {
    BALANCE: 'money',
    CREDIT_LIMIT: 'money',
    TENURE: 'count',
    CHANNEL: 'categorical',
  };
  for (const [column, kind] of Object.entries(kinds)) {
    const row = panel.locator(`tr[data-column="${column}"]`);
    await row.getByRole('checkbox').check();
    await chooseOption(page, row.locator('mat-select'), kind);
  }
  await panel.getByRole('button', { name: 'Create segmentation' }).click();

  await expect(panel.getByRole('status')).toContainText(`Segmentation ${SEGMENTATION} is created`);
  await expect(page).toHaveURL(new RegExp(`[?&]segmentation=${SEGMENTATION}`));
  await expect(page.getByTestId('segmentation-switcher')).toContainText(SEGMENTATION);

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const job = page.getByTestId('training-job');
  await expect(job.getByRole('progressbar')).toBeVisible();
  await expect(job).toHaveAttribute('data-status', 'succeeded', { timeout: 200_000 });
  await expect(page.getByText('Silhouette').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Retrain' })).toBeEnabled();
  const snackBar = page.locator('mat-snack-bar-container');
  if (await snackBar.count()) await snackBar.getByRole('button').click();
  await page.screenshot({ path: `${SCREENSHOTS}/new-segmentation.png`, fullPage: true });

  // Its segments are described in its own features: no monthly-spend axis.
  await page.getByRole('link', { name: 'Segments' }).click();
  await expect(page).toHaveURL(new RegExp(`/segments\\?segmentation=${SEGMENTATION}`));
  const card = page.locator('app-segment-card').first();
  await expect(card).toBeVisible();
  await expect(card.locator('app-segment-details')).toContainText('Credit limit');
  await expect(card.locator('app-segment-details')).toContainText('%');
  await expect(card.getByRole('img')).not.toHaveAttribute('aria-label', /Monthly spend/);
});

test('switch segmentation and predict with a categorical select', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Get Segment' })).toBeVisible();
  await expect(page.locator('mat-form-field[data-field="CHANNEL"]')).toHaveCount(0);

  await chooseOption(page, page.getByTestId('segmentation-switcher'), SEGMENTATION);
  await expect(page).toHaveURL(new RegExp(`/\\?segmentation=${SEGMENTATION}$`));

  const channel = page.locator('mat-form-field[data-field="CHANNEL"]');
  await expect(channel.locator('mat-select')).toBeVisible();
  const values: Record<string, string> = { BALANCE: '4100', CREDIT_LIMIT: '11800', TENURE: '11' };
  for (const [feature, value] of Object.entries(values)) {
    await page.locator(`input[data-feature="${feature}"]`).fill(value);
  }
  await channel.locator('mat-select').click();
  for (const category of CHANNELS) {
    await expect(page.getByRole('option', { name: category, exact: true })).toBeVisible();
  }
  await page.getByRole('option', { name: 'branch', exact: true }).click();

  await page.getByRole('button', { name: 'Get Segment' }).click();
  const result = page.getByTestId('prediction-result');
  await expect(result.getByText(/^Segment ID \d+$/)).toBeVisible();
  await expect(result.locator('.segment-name')).not.toBeEmpty();
  await expect(result).toContainText('Channel: branch');
  await page.screenshot({ path: `${SCREENSHOTS}/predict-categorical.png`, fullPage: true });

  // A reload keeps the segmentation (it lives in the URL).
  await page.reload();
  await expect(page.locator('mat-form-field[data-field="CHANNEL"]')).toBeVisible();
});
