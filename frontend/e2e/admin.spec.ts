import { type APIRequestContext, type Page } from '@playwright/test';
import { E2E_USER, SCREENSHOTS as SHOTS, expect, signIn, test } from './fixtures';

const NO_SESSION = { cookies: [], origins: [] };

/** Calls the API as another system would: with the key, and no browser session. */
async function statusWithKey(api: APIRequestContext, key: string): Promise<number> {
  const response = await api.get('/api/v1/auth/me', {
    headers: { Authorization: `Bearer ${key}` },
  });
  return response.status();
}

async function confirm(page: Page, title: string, action: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: title });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: action }).click();
  await expect(dialog).toHaveCount(0);
}

test.describe('Admin', () => {
  test('create an API key and see it once, revoke it; add a user and disable it', async ({
    page,
    browser,
    playwright,
    baseURL,
  }) => {
    const api = await playwright.request.newContext({ baseURL, storageState: NO_SESSION });
    const run = Date.now().toString(36);
    const keyName = `e2e key ${run}`;
    const username = `e2e-user-${run}`;
    const password = `e2e-password-${run}-long`;

    await page.goto('/');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Admin' })
      .click();
    await expect(page.getByRole('heading', { name: 'Administration' })).toBeVisible();

    // --- API keys: the key is shown once ---
    await page.getByRole('tab', { name: 'API keys' }).click();
    await expect(page).toHaveURL(/\/admin\?tab=api-keys$/);
    await page.getByLabel('Key name').fill(keyName);
    await page.getByRole('button', { name: 'Create key' }).click();

    const shown = page.getByRole('dialog', { name: 'API key created' });
    await expect(shown).toContainText('You will not see it again');
    const key = await shown.getByLabel('API key', { exact: true }).inputValue();
    expect(key).toMatch(/^\w+_[0-9a-f]+_\S{20,}$/);
    await expect(shown.getByRole('button', { name: 'Copy key' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(shown.getByRole('status')).toHaveText('Copied to the clipboard.');
    await page.screenshot({ path: `${SHOTS}/admin-new-key.png`, fullPage: true });

    expect(await statusWithKey(api, key)).toBe(200);

    await page.keyboard.press('Escape'); // must not close it and lose the key
    await expect(shown).toBeVisible();
    await shown.getByRole('button', { name: 'Done, I have copied it' }).click();
    await expect(shown).toHaveCount(0);
    const keyRow = page.getByRole('row').filter({ hasText: keyName });
    await expect(keyRow).toContainText(key.split('_')[1]); // the prefix, not the key
    await expect(keyRow).toContainText('Active');
    expect(await page.content()).not.toContain(key);

    await page.reload();
    await expect(keyRow).toBeVisible();
    expect(await page.content()).not.toContain(key);

    await keyRow.getByRole('button', { name: `Revoke key ${keyName}` }).click();
    await confirm(page, 'Revoke API key?', 'Revoke key');
    await expect(keyRow).toContainText('Revoked');
    await expect(keyRow.getByRole('button')).toHaveCount(0);
    await expect.poll(() => statusWithKey(api, key), { timeout: 5_000 }).toBe(401);
    await page.screenshot({ path: `${SHOTS}/admin-api-keys.png`, fullPage: true });

    // --- Users: add an analyst, who can sign in until disabled; then delete them ---
    await page.getByRole('tab', { name: 'Users' }).click();
    const me = page.getByRole('row').filter({ hasText: E2E_USER });
    await expect(me).toContainText('(you)');
    await expect(me.getByRole('button', { name: `Disable ${E2E_USER}` })).toBeDisabled();
    await expect(me.getByRole('button', { name: `Delete ${E2E_USER}` })).toBeDisabled();

    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('combobox', { name: 'Role', exact: true }).click();
    await page.getByRole('option', { name: 'Analyst' }).click();
    await page.getByRole('button', { name: 'Add user' }).click();

    const userRow = page.getByRole('row').filter({ hasText: username });
    await expect(userRow).toContainText('Active');
    await expect(userRow.getByRole('combobox', { name: `Role of ${username}` })).toContainText(
      'Analyst',
    );
    await expect(page.getByLabel('User name')).toHaveValue('');

    // The new analyst signs in elsewhere: no Admin link, and /admin is not allowed.
    const elsewhere = await browser.newContext({ baseURL, storageState: NO_SESSION });
    const analyst = await elsewhere.newPage();
    await analyst.goto('/login');
    await signIn(analyst, username, password);
    await expect(analyst.getByTestId('signed-in-user')).toContainText(username);
    const nav = analyst.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Customers' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Admin' })).toHaveCount(0);
    await analyst.goto('/admin');
    await expect(analyst.getByRole('heading', { name: 'Not allowed' })).toBeVisible();

    // Disabling ends their session at once and refuses their sign-in.
    await userRow.getByRole('button', { name: `Disable ${username}` }).click();
    await expect(userRow).toContainText('Disabled');
    await expect(userRow.getByRole('button', { name: `Enable ${username}` })).toBeEnabled();
    await analyst.goto('/segments');
    await expect(analyst).toHaveURL(/\/login\?returnUrl=%2Fsegments$/);
    const again = await api.post('/api/v1/auth/login', { data: { username, password } });
    expect(again.status()).toBe(401);
    await elsewhere.close();
    await page.screenshot({ path: `${SHOTS}/admin-users.png`, fullPage: true });

    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(page.getByText(`User ${username} already exists.`)).toBeVisible();

    await userRow.getByRole('button', { name: `Delete ${username}` }).click();
    await confirm(page, 'Delete user?', 'Delete user');
    await expect(userRow).toHaveCount(0);

    await page.reload();
    await expect(me).toBeVisible();
    await expect(userRow).toHaveCount(0);
    await api.dispose();
  });
});
