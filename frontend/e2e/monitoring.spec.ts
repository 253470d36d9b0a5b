import { SCREENSHOTS, expect, test } from './fixtures';

test.describe('Monitoring', () => {
  test("the worker's scheduled drift check shows up on the Monitoring page", async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto('/');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Monitoring' })
      .click();
    await expect(page).toHaveURL(/\/monitoring/);
    await expect(page.getByRole('heading', { name: 'Monitoring' })).toBeVisible();
    // e2e.sh runs the worker with DRIFT_SCHEDULE every few seconds: refresh until its first check is listed
    const checks = page.getByTestId('drift-check');
    await expect(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect(checks.first()).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 90_000, intervals: [3_000] });
    const latest = checks.first().getByRole('cell');
    await expect(latest.nth(1)).toHaveText('schedule');
    await expect(latest.nth(2)).toHaveText(/^v\d+$/);
    await expect(latest.nth(5)).toContainText(/stable|drifted/);
    await expect(
      page.getByRole('img', { name: /Line chart of drift \(PSI\) per feature/ }),
    ).toBeVisible();
    await expect(
      page.getByRole('img', { name: 'Stacked bar chart of segment sizes for each model version' }),
    ).toBeVisible();
    const jobs = page.getByTestId('job-outcome');
    await expect(jobs.first()).toBeVisible();
    await expect(jobs.last().getByRole('cell').nth(1)).toHaveText('succeeded');
    await page.screenshot({ path: `${SCREENSHOTS}/monitoring.png`, fullPage: true });
  });

  test('metrics are not served through the public web front', async ({ request }) => {
    const response = await request.get('/metrics');
    expect(await response.text()).not.toContain('segmentation_http_requests');
    const api = await request.get('/api/metrics');
    expect(api.status()).toBe(404);
  });
});
