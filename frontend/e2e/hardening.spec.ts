import { expect, test } from '@playwright/test';

/** nginx in front of the app: security headers on pages and API answers, no version banners. */
test.describe('Hardening', () => {
  for (const path of ['/', '/segments', '/api/v1/segmentation/model', '/no-such-asset.js']) {
    test(`security headers and no version banner on ${path}`, async ({ request }) => {
      const response = await request.get(path);
      const headers = response.headers();
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['referrer-policy']).toBeTruthy();
      expect(headers['content-security-policy']).toContain("default-src 'self'");
      expect(headers['server'] ?? '').not.toMatch(/\d/);
      expect(await response.text()).not.toMatch(/nginx\/\d/);
    });
  }

  test('API errors keep the JSON error shape and no upstream details', async ({
    playwright,
    baseURL,
  }) => {
    // no session cookie (the journeys project otherwise starts signed in)
    const anonymous = await playwright.request.newContext({
      baseURL,
      storageState: { cookies: [], origins: [] },
    });
    const response = await anonymous.get('/api/v1/customers/1');
    expect(response.status()).toBe(401);
    const body = await response.json();
    expect(body).toMatchObject({ code: 401, status: 'Unauthorized' });
    expect(response.headers()['server'] ?? '').not.toMatch(/gunicorn|\d/);
    await anonymous.dispose();
  });
});
