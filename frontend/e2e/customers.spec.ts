import { SCREENSHOTS, expect, test } from './fixtures';

test.describe('Customers', () => {
  test('open a customer, edit a field, and see it persisted after reload', async ({ page }) => {
    await page.goto('/customers');
    const firstLink = page.locator('table a.id-link').first();
    await expect(firstLink).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}/customers.png`, fullPage: true });

    const id = (await firstLink.innerText()).trim();
    await firstLink.click();
    await expect(page.getByRole('heading', { name: `Customer ${id}` })).toBeVisible();
    await expect(page.getByTestId('current-segment')).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}/customer-detail.png`, fullPage: true });

    const income = (3000 + Math.floor(Math.random() * 5000) + 0.25).toFixed(2);
    await page.getByRole('link', { name: 'Edit' }).click();
    const incomeInput = page.locator('#monthly_income');
    await expect(incomeInput).not.toHaveValue('');
    await incomeInput.fill(income);
    await page.getByRole('button', { name: 'Save changes' }).click();

    await expect(page).toHaveURL(new RegExp(`/customers/${id}$`));
    const shown = `€${Number(income).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
    await expect(page.locator('[data-field="monthly_income"]')).toHaveText(shown);

    await page.reload();
    await expect(page.locator('[data-field="monthly_income"]')).toHaveText(shown);
  });
});
