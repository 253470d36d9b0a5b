import { E2E_SIGNOUT_USER, E2E_USER, SCREENSHOTS, expect, signIn, test } from './fixtures';

// These journeys start signed out and sign in with their own session; the one that signs
// out uses its own account (signing out ends every session of that user).
test.use({ storageState: { cookies: [], origins: [] } });

test.describe('Sign-in', () => {
  test('a wrong password shows a message and stays on the sign-in page', async ({ page }) => {
    await page.goto('/login');
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
    await page.screenshot({ path: `${SCREENSHOTS}/login.png`, fullPage: true });

    await signIn(page, E2E_USER, 'not-the-right-password');
    await expect(page.getByRole('alert')).toContainText('Wrong user name or password.');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  });

  test('signing in lands on Predict; signing out returns to the sign-in page', async ({ page }) => {
    await page.goto('/login');
    await signIn(page, E2E_SIGNOUT_USER);

    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('button', { name: 'Get Segment' })).toBeVisible();
    const user = page.getByTestId('signed-in-user');
    await expect(user).toContainText(E2E_SIGNOUT_USER);
    await expect(user).toContainText(/admin/i);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);

    // The session really ended on the server: a page that needs it sends us back.
    await page.goto('/segments');
    await expect(page).toHaveURL(/\/login\?returnUrl=%2Fsegments$/);
  });

  test('opening /training while signed out asks to sign in, then goes there', async ({ page }) => {
    await page.goto('/training');
    await expect(page).toHaveURL(/\/login\?returnUrl=%2Ftraining$/);

    await signIn(page);
    await expect(page).toHaveURL(/\/training$/);
    await expect(page.getByRole('heading', { name: 'Training' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Retrain' })).toBeVisible();
  });
});
