import { E2E_USER, STORAGE_STATE, expect, signIn, test as setup } from './fixtures';

/**
 * Signs in once through the real sign-in page and saves the session cookies (HttpOnly session
 * and XSRF-TOKEN) so every journey starts signed in, exactly as a returning user would.
 */
setup('sign in as the e2e user', async ({ page }) => {
  await page.goto('/login');
  await signIn(page);
  await expect(page.getByTestId('signed-in-user')).toContainText(E2E_USER);
  await page.context().storageState({ path: STORAGE_STATE });
});
