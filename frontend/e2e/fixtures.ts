import { test as base, expect } from '@playwright/test';

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

export const SCREENSHOTS = 'e2e/screenshots';
