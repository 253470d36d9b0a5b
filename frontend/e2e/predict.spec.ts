import { SCREENSHOTS, expect, test } from './fixtures';

/** Plausible monthly spending for a customer who mostly shops online. */
const ONLINE_SHOPPER: Record<string, string> = {
  Utilities: '95',
  Groceries: '160',
  Transport: '45',
  Dining: '70',
  Entertainment: '55',
  OnlineShopping: '430',
  Travel: '35',
  Healthcare: '40',
};

test.describe('Predict', () => {
  test('enter a profile and get its segment with a comparison chart', async ({ page }) => {
    await page.goto('/');
    const inputs = page.locator('input[data-feature]');
    await expect(inputs.first()).toBeVisible();
    for (const input of await inputs.all()) {
      const feature = (await input.getAttribute('data-feature')) ?? '';
      await input.fill(ONLINE_SHOPPER[feature] ?? '100');
    }
    await page.getByRole('button', { name: 'Get Segment' }).click();

    const result = page.getByTestId('prediction-result');
    await expect(result.getByText(/^Segment ID \d+$/)).toBeVisible();
    await expect(result.locator('.segment-name')).not.toBeEmpty();
    await expect(result.locator('canvas')).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}/predict.png`, fullPage: true });
  });

  test('a value that is not a number shows a message next to the field', async ({ page }) => {
    await page.goto('/');
    const first = page.locator('input[data-feature]').first();
    await expect(first).toBeVisible();
    // The toolbar's segmentation switcher is a form field too: look inside the profile form.
    const field = page.locator('form.profile-form mat-form-field').first();
    const label = await field.locator('mat-label').innerText();

    await first.fill('abc');
    await first.blur();
    await expect(field.locator('mat-error')).toHaveText(`${label} must be a number.`);

    await first.fill('-5');
    await expect(field.locator('mat-error')).toHaveText(`${label} must be 0 or more.`);

    await page.getByRole('button', { name: 'Get Segment' }).click();
    await expect(page.getByTestId('prediction-result')).toHaveCount(0);
  });
});
