import { SCREENSHOTS, expect, test } from './fixtures';

test.describe('Training', () => {
  test('retrain and watch the progress bar reach completion', async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto('/training');
    await expect(page.getByText('Silhouette').first()).toBeVisible();

    await page.getByRole('button', { name: 'Retrain' }).click();
    const job = page.getByTestId('training-job');
    await expect(job).toBeVisible();
    const bar = job.getByRole('progressbar');
    await expect(bar).toBeVisible();

    // The job moves through its stages and ends; a rejected candidate also completes.
    await expect(job).toHaveAttribute('data-status', /succeeded|rejected/, { timeout: 150_000 });
    await expect(bar).toHaveAttribute('aria-valuenow', '100');
    await expect(job.locator('.outcome')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Retrain' })).toBeEnabled();
    const snackBar = page.locator('mat-snack-bar-container');
    if (await snackBar.count()) await snackBar.getByRole('button').click();
    await expect(snackBar).toHaveCount(0);
    await page.screenshot({ path: `${SCREENSHOTS}/training.png`, fullPage: true });
  });
});
