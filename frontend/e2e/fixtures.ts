import { type Page, test as base, expect } from '@playwright/test';

/**
 * Every journey also fails on uncaught page errors and on anything the Content-Security-Policy
 * blocks, so the nginx headers are checked against the real built app.
 */
export const test = base.extend<{ browserProblems: string[] }>({
  browserProblems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        const text = message.text();
        if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) {
          problems.push(`blocked: ${text}`);
        }
      });
      await use(problems);
      expect(problems, 'browser errors or CSP violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Screenshots of each journey: under test-results/ (git-ignored), so a run leaves the tree clean. */
export const SCREENSHOTS = 'test-results/screenshots';

/** The staff account the journeys use; deploy/local/e2e.sh creates it before Playwright runs. */
export const E2E_USER = process.env['E2E_USER'] ?? 'e2e-admin';
export const E2E_PASSWORD = process.env['E2E_PASSWORD'] ?? 'e2e-admin-password-123';
/** Signing out ends every session of a user: the sign-out journey has its own account. */
export const E2E_SIGNOUT_USER = process.env['E2E_SIGNOUT_USER'] ?? 'e2e-signout';

/** Session cookies saved by auth.setup.ts and loaded by every journey (git-ignored). */
export const STORAGE_STATE = 'e2e/.auth/session.json';

/** Signs in through the sign-in page using only the keyboard, as a person could. */
export async function signIn(
  page: Page,
  username = E2E_USER,
  password = E2E_PASSWORD,
): Promise<void> {
  const user = page.getByLabel('User name');
  await expect(user).toBeFocused();
  await user.fill(username);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}
