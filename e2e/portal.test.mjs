// End to end, in real headless Chromium: a person signs in as the demo
// developer, opens MCPeeker from the sidebar and reads the backend's health.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { APP_URL, ROOT, launchChromium, startPortal } from './portal.mjs';

let portal;
let browser;

before(
  async () => {
    portal = await startPortal();
    browser = await launchChromium();
  },
  { timeout: 420_000 },
);

after(async () => {
  await browser?.close();
  await portal?.stop();
});

test(
  'the demo developer signs in, opens MCPeeker and sees the health of each dependency',
  { timeout: 180_000 },
  async () => {
    const page = await browser.newPage({
      viewport: { width: 1400, height: 900 },
    });
    const consoleErrors = [];
    page.on('pageerror', e => consoleErrors.push(e.message));
    try {
      await page.goto(APP_URL);

      // The demo sign-in page offers one user per role.
      for (const role of ['Developer', 'Security analyst', 'Platform admin']) {
        await page
          .getByRole('button', { name: `Sign in as ${role}` })
          .waitFor({ timeout: 90_000 });
      }
      await page.getByRole('button', { name: 'Sign in as Developer' }).click();

      // Signed in: the sidebar has MCPeeker.
      const navLink = page.getByRole('link', { name: 'MCPeeker' });
      await navLink.waitFor({ timeout: 60_000 });
      await navLink.click();
      await page.waitForURL(/\/mcpeeker$/);

      await page.getByText('All systems ok').waitFor({ timeout: 30_000 });
      const database = page.getByTestId('dependency-database');
      assert.match(await database.innerText(), /Database\s+ok\s+sqlite/);
      assert.match(
        await page.getByTestId('dependency-nats').innerText(),
        /disabled/,
      );
      assert.match(
        await page.getByTestId('dependency-judge').innerText(),
        /offline/,
      );

      // The session is the demo developer's, with her group from the catalog.
      const identity = await page.evaluate(async () => {
        const res = await fetch('http://localhost:7300/api/auth/demo/refresh', {
          headers: {
            'x-mcpeeker-demo-user': sessionStorage.getItem('mcpeeker.demoUser'),
          },
          credentials: 'include',
        });
        return (await res.json()).backstageIdentity.identity;
      });
      assert.equal(identity.userEntityRef, 'user:default/dana');
      assert.deepEqual(identity.ownershipEntityRefs, [
        'user:default/dana',
        'group:default/mcp-developers',
      ]);

      assert.deepEqual(consoleErrors, []);
      await page.screenshot({
        path: path.join(ROOT, 'test-results', 'e2e-mcpeeker-health.png'),
        fullPage: true,
      });
    } catch (e) {
      await page
        .screenshot({
          path: path.join(ROOT, 'test-results', 'e2e-failure.png'),
          fullPage: true,
        })
        .catch(() => {});
      throw e;
    } finally {
      await page.close();
    }
  },
);
