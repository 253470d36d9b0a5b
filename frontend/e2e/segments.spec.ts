import { SCREENSHOTS, expect, test } from './fixtures';

test.describe('Segments', () => {
  test('shows a card per segment and the customer map', async ({ page }) => {
    await page.goto('/segments');
    const cards = page.locator('app-segment-card');
    await expect(cards.first()).toBeVisible();
    await expect(cards.first().getByText(/^Segment ID \d+$/)).toBeVisible();
    await expect(page.locator('app-projection-chart canvas')).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}/segments.png`, fullPage: true });
  });
});
