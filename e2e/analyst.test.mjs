// End to end, in real headless Chromium: the security analyst's day. Two
// developers' agents report their MCP servers; Sam (analyst) follows the
// Dashboard's "Unregistered high-risk" to the finding, reads why it scored
// and how to fix it, says "true positive" and takes it on; calls another a
// false positive and suppresses its pattern; reads both timelines; exports
// SARIF. Dana (developer) sees her own findings only, without the analysts'
// notes; Pat (admin) lifts the suppression. Screenshots of each key screen
// go to docs/screenshots with MCPEEKER_UPDATE_SCREENSHOTS=1, else to
// test-results. A portal of its own (3600/7600), so it runs beside the others.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ROOT,
  demoAuthHeaders,
  launchChromium,
  screenshotPath,
  startPortal,
} from './portal.mjs';
import { startSmtpServer } from './smtp.mjs';
import { poll } from './wait.mjs';

const APP = 'http://localhost:3600';
const BACKEND = 'http://localhost:7600';
const METRICS_PORT = 9864;
const SMTP_PORT = 2536;
const AGENT = path.join(ROOT, 'plugins/mcpeeker-agent/bin/mcpeeker-agent');
/** An OpenAI key Dana pasted into her Cursor config: it must never reach a page. */
const SECRET = 'sk-proj-e2eAnalystPasted0123456789abcdefABCDEFghij';
const FP_NOTE =
  'release-notes-cli is an MCP client: it calls servers, it serves nothing';
const TP_NOTE =
  'Pasted OpenAI key and the whole disk: asked Dana to rotate the key';
const SUPPRESSION = 'release-notes-cli on group:default/mcp-developers';

let work;
let portal;
let smtp;
let browser;
/** Composite ids of the findings the agents report, by server name. */
const ids = {};

/**
 * A developer's machine: a home with these files (objects are written as
 * JSON), and the real agent run once there, reporting to this portal as
 * `owner` with the agents' token. Returns spawnSync's result.
 */
function reportFrom(owner, files) {
  const home = path.join(work, owner.split('/').pop());
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(home, file)), { recursive: true });
    fs.writeFileSync(
      path.join(home, file),
      typeof content === 'string' ? content : JSON.stringify(content, null, 2),
    );
  }
  const config = path.join(home, 'agent.yaml');
  fs.writeFileSync(
    config,
    [
      'processes: false',
      'ports: false',
      `owner: ${owner}`,
      `roots: [${JSON.stringify(path.join(home, 'code'))}]`,
    ].join('\n'),
  );
  fs.mkdirSync(path.join(home, 'code'), { recursive: true });
  return spawnSync(
    process.execPath,
    [AGENT, 'run', '--once', '--config', config],
    {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: home,
        MCPEEKER_SPOOL_DIR: path.join(home, 'spool'),
        MCPEEKER_HOST_ID_SALT: 'mcpeeker-development-salt',
        MCPEEKER_HTTP_URL: `${BACKEND}/api/mcpeeker/events`,
        MCPEEKER_TOKEN: 'mcpeeker-dev-agent-token',
      },
    },
  );
}

/** Each demo user's signed-in browser context, by role: signed in once, used by each test. */
const sessions = new Map();

/**
 * The browser of one demo user, signed in, its page on the Dashboard at
 * this size. Every answer of the backend to its pages is kept
 * (`received`), and every uncaught page error (`pageErrors`, per test).
 */
async function signIn(role, viewport = { width: 1400, height: 1000 }) {
  let session = sessions.get(role);
  if (!session) {
    const context = await browser.newContext({
      viewport,
      colorScheme: 'light',
    });
    // A busy machine: waits end on the element, these are only their limits.
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const responses = [];
    session = {
      context,
      page,
      pageErrors: [],
      /** Everything the backend sent this user's pages so far, as text. */
      received: async () => (await Promise.all(responses)).join('\n'),
    };
    page.on('pageerror', e => session.pageErrors.push(e.message));
    page.on('response', r => {
      if (r.url().startsWith(BACKEND)) responses.push(r.text().catch(() => ''));
    });
    await page.goto(APP);
    await page
      .getByRole('button', { name: `Sign in as ${role}` })
      .click({ timeout: 90_000 });
    await page.waitForURL(/\/mcpeeker$/);
    sessions.set(role, session);
  } else {
    await session.page.setViewportSize(viewport);
    await session.page.goto(`${APP}/mcpeeker`);
    session.pageErrors.length = 0;
  }
  return session;
}

/** Saves a screenshot of the page (or of one element) under `name`: see screenshotPath. */
async function screenshot(target, name, options = {}) {
  // The pointer rests on no card, no field keeps a focus ring.
  const page = typeof target.page === 'function' ? target.page() : target;
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.activeElement?.blur());
  await target.screenshot({
    path: screenshotPath(name),
    animations: 'disabled',
    ...options,
  });
}

/** On failure, what the page looked like. */
async function onFailure(page, name) {
  await page
    ?.screenshot({
      path: path.join(ROOT, 'test-results', `e2e-failure-${name}.png`),
      fullPage: true,
    })
    .catch(() => {});
}

/** The rows of the findings list on screen, each row's text by server name. */
async function findingRows(page) {
  const rows = page.getByRole('row').filter({ hasText: ' · ' });
  const out = {};
  for (const text of await rows.allInnerTexts()) {
    const server = Object.keys(ids).find(name => text.includes(name));
    if (server) out[server] = text;
  }
  return out;
}

/** A card of the finding page, by its title (class names: the dev build's have suffixes). */
function card(page, title) {
  return page.locator('[class*="MuiCard-root"]').filter({
    has: page
      .locator('[class*="MuiCardHeader-title"]')
      .getByText(title, { exact: true }),
  });
}

/**
 * A message the portal mailed to the test's SMTP server, its header lines
 * unfolded and its quoted-printable lines joined; waits for it.
 */
async function waitForMail(predicate, timeoutMs = 180_000) {
  const found = await poll(
    () =>
      smtp.messages
        .map(m => ({
          ...m,
          text: m.raw.replace(/=\r?\n/g, '').replace(/\r?\n[ \t]+/g, ' '),
        }))
        .find(predicate),
    { timeoutMs },
  );
  if (found) return found;
  throw new Error(
    `no such mail; got: ${smtp.messages.map(m => m.to).join(' | ')}`,
  );
}

/** Opens the findings list at this query and waits for this many findings. */
async function openList(page, query, count) {
  await page.goto(`${APP}/mcpeeker/findings${query}`);
  await page
    .getByText(`${count} ${count === 1 ? 'finding' : 'findings'}`, {
      exact: true,
    })
    .waitFor();
}

before(
  async () => {
    // Digits, not mkdtemp's random letters: the redaction takes a path with a
    // random-looking segment for a key, and the screenshots show these paths.
    work = path.join(os.tmpdir(), `mcpeeker-e2e-analyst-${process.pid}`);
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work);
    const config = path.join(work, 'app-config.analyst.yaml');
    fs.writeFileSync(
      config,
      JSON.stringify({
        app: { baseUrl: APP },
        backend: {
          baseUrl: BACKEND,
          listen: { port: 7600 },
          cors: { origin: APP },
        },
        notifications: {
          processors: { email: { transportConfig: { port: SMTP_PORT } } },
        },
      }),
    );
    smtp = await startSmtpServer(SMTP_PORT);
    portal = await startPortal({
      extraConfigs: [config],
      backendUrl: BACKEND,
      appUrl: APP,
      metricsPort: METRICS_PORT,
      logName: 'e2e-analyst',
    });
    browser = await launchChromium();
  },
  { timeout: 480_000 },
);

after(async () => {
  for (const { context } of sessions.values()) await context.close();
  await browser?.close();
  await portal?.stop();
  await smtp?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test(
  "two developers' agents report their MCP servers",
  { timeout: 300_000 },
  async () => {
    // Dana: the filesystem server on her whole disk, run unpinned with an
    // OpenAI key pasted into the file; CircleCI's server, pinned, its token
    // a reference; and a project of hers that depends on the MCP SDK (an
    // MCP client: the agent takes it for a server being built).
    const dana = reportFrom('user:default/dana', {
      '.cursor/mcp.json': {
        mcpServers: {
          filesystem: {
            command: 'npx',
            args: ['-y', '@modelcontextprotocol/server-filesystem', '/'],
            env: { OPENAI_API_KEY: SECRET },
          },
          circleci: {
            command: 'npx',
            args: ['-y', '@circleci/mcp-server-circleci@0.9.2'],
            env: { CIRCLECI_TOKEN: '${env:CIRCLECI_TOKEN}' },
          },
        },
      },
      'code/release-notes-cli/package.json': {
        name: 'release-notes-cli',
        version: '0.3.0',
        bin: { 'release-notes': 'cli.js' },
        dependencies: { '@modelcontextprotocol/sdk': '1.17.0' },
      },
    });
    assert.equal(dana.status, 0, dana.stderr);
    assert.match(dana.stderr, /scan: 3 MCP servers in 3 detections/);
    assert.match(dana.stderr, /sent 3 events to http http:\/\/localhost:7600/);
    assert.ok(!dana.stderr.includes(SECRET));
    // Lee: Postgres's server, unpinned.
    const lee = reportFrom('user:default/lee', {
      '.cursor/mcp.json': {
        mcpServers: {
          postgres: {
            command: 'npx',
            args: [
              '-y',
              '@modelcontextprotocol/server-postgres',
              'postgresql://readonly@db.internal/app',
            ],
          },
        },
      },
    });
    assert.equal(lee.status, 0, lee.stderr);
    assert.match(lee.stderr, /sent 1 event to http http:\/\/localhost:7600/);

    // Committed before the agent was answered: the analyst's API has them.
    const sam = await demoAuthHeaders(BACKEND, 'sam');
    const res = await fetch(`${BACKEND}/api/mcpeeker/findings?limit=50`, {
      headers: sam,
    });
    assert.equal(res.status, 200);
    const { items } = await res.json();
    for (const f of items) ids[f.serverName] = f.compositeId;
    assert.deepEqual(Object.keys(ids).sort(), [
      'circleci',
      'filesystem',
      'postgres',
      'release-notes-cli',
    ]);
  },
);

test(
  "the analyst follows the Dashboard's 'Unregistered high-risk' to the finding behind it",
  { timeout: 300_000 },
  async () => {
    // As tall as the Dashboard: its content scrolls inside the page, which a
    // full-page screenshot would not unroll.
    const sam = await signIn('Security analyst', { width: 1400, height: 1120 });
    const { page } = sam;
    try {
      await page.getByRole('heading', { name: 'All MCP servers' }).waitFor();
      assert.equal(await page.title(), 'Dashboard | MCPeeker');
      await page.getByRole('figure', { name: /^Findings by score/ }).waitFor();
      const number = async title =>
        Number(
          await page
            .getByRole('link', { name: new RegExp(`^${title} [\\d,]+ `) })
            .locator('p')
            .first()
            .innerText(),
        );
      assert.equal(await number('Findings'), 4);
      // Only the filesystem server holds a high risk (Lee's Postgres server
      // a medium one: unpinned), and nobody approved it.
      assert.equal(await number('Unregistered high-risk'), 1);
      await screenshot(page, 'analyst-dashboard');

      await page
        .getByRole('link', { name: /^Unregistered high-risk 1 / })
        .click();
      await page.waitForURL(/\/mcpeeker\/findings\?highRisk=unregistered$/);
      assert.equal(
        await page
          .getByRole('tab', { name: 'Findings' })
          .getAttribute('aria-selected'),
        'true',
      );
      await page.getByText('1 finding', { exact: true }).waitFor();
      const rows = await findingRows(page);
      assert.deepEqual(Object.keys(rows), ['filesystem']);
      assert.match(rows.filesystem, /8 · suspect/);
      assert.match(rows.filesystem, /user:default\/dana/);
      assert.match(rows.filesystem, /Open/);
      assert.match(rows.filesystem, /unassigned/);

      // The list by risk, from its Risk filter: high, the same one; medium
      // or worse adds Lee's unpinned Postgres server.
      await page
        .getByRole('button', {
          name: /^Unregistered high-risk: .*: remove this filter$/,
        })
        .click();
      await page.getByText('4 findings', { exact: true }).waitFor();
      const chooseRisk = async (option, url, count) => {
        await page.getByRole('button', { name: /^Risk\b/ }).click();
        await page.getByRole('option', { name: option, exact: true }).click();
        await page.waitForURL(url);
        await page
          .getByText(`${count} ${count === 1 ? 'finding' : 'findings'}`, {
            exact: true,
          })
          .waitFor();
        return Object.keys(await findingRows(page)).sort();
      };
      assert.deepEqual(await chooseRisk('High', /\?minRisk=high$/, 1), [
        'filesystem',
      ]);
      assert.deepEqual(
        await chooseRisk('Medium or worse', /\?minRisk=medium$/, 2),
        ['filesystem', 'postgres'],
      );
      assert.deepEqual(sam.pageErrors, []);
    } catch (e) {
      await onFailure(page, 'analyst-dashboard');
      throw e;
    }
  },
);

test(
  'the analyst reads why the high-risk finding scored and how to fix it, calls it a true positive and takes it on',
  { timeout: 300_000 },
  async () => {
    const sam = await signIn('Security analyst', { width: 1400, height: 2200 });
    const { page } = sam;
    try {
      await page.goto(`${APP}/mcpeeker/findings/${ids.filesystem}`);
      await page.getByText('Why this score').waitFor();
      assert.match(
        await page.getByRole('row', { name: /^endpoint/ }).innerText(),
        /\+6\s+the endpoint agent saw it/,
      );
      assert.match(
        await page.getByRole('row', { name: /^Total/ }).innerText(),
        /Total\s+8\s+suspect/,
      );
      // Each risk with what was seen and how to fix it, the worst first.
      const risks = card(page, 'Risks and how to fix them');
      const secret = risks.getByRole('region', {
        name: 'high risk: Secret written in the config',
      });
      assert.match(
        await secret.innerText(),
        /env OPENAI_API_KEY holds an OpenAI or Anthropic API key written in the file/,
      );
      assert.match(
        await secret.innerText(),
        /Fix: Set OPENAI_API_KEY in the environment \(or a secret store\) and write its value as \$\{env:OPENAI_API_KEY\}, then rotate/,
      );
      assert.match(
        await secret.innerText(),
        /\.cursor\/mcp\.json:\d+:\d+ \(\$\.mcpServers\.filesystem\.env\.OPENAI_API_KEY\)/,
      );
      assert.match(
        await risks
          .getByRole('region', {
            name: 'high risk: Filesystem access to a root or the home folder',
          })
          .innerText(),
        /argument 3 gives it the filesystem root \(\/\)[\s\S]*Fix: Replace \/ with the folder\(s\) 'filesystem' should work in/,
      );
      await risks
        .getByRole('region', { name: 'medium risk: Unpinned package' })
        .waitFor();

      // True positive, with a note and tags.
      const feedback = card(page, 'Feedback');
      await feedback.getByRole('radio', { name: 'True positive' }).check();
      await feedback
        .getByRole('textbox', { name: 'Note (optional)' })
        .fill(TP_NOTE);
      await feedback
        .getByRole('textbox', { name: 'Tags (optional)' })
        .fill('secret, rotate');
      await feedback.getByRole('button', { name: 'Send feedback' }).click();
      assert.equal(
        await feedback.getByRole('status').innerText(),
        'Feedback recorded: true positive',
      );
      const given = feedback.getByRole('list', { name: 'Feedback so far' });
      await given.getByText(TP_NOTE).waitFor();
      assert.match(
        await given.innerText(),
        /True positive\s+user:default\/sam, /,
      );

      // Investigating, assigned to himself.
      const triage = card(page, 'Triage');
      await triage.getByRole('button', { name: /^Status/ }).click();
      await page.getByRole('option', { name: 'Investigating' }).click();
      await triage
        .getByRole('button', { name: /^Status\s+Investigating/ })
        .waitFor();
      await triage.getByRole('button', { name: 'Assign to me' }).click();
      await triage
        .getByTestId('triage-assignee')
        .getByText('user:default/sam', { exact: true })
        .waitFor();
      await triage.getByText('True positive', { exact: true }).waitFor();
      // What changed last: the assignee (the timeline reloads after it).
      await triage
        .getByRole('row', { name: /^Last Changed By.*\(assignee\)/ })
        .waitFor();
      assert.match(
        await triage.getByRole('row', { name: /^Last Changed By/ }).innerText(),
        /user:default\/sam on .+ \(assignee\)/,
      );

      // The pasted key is nowhere: not on the page, not in what the backend sent.
      assert.ok(!(await page.content()).includes(SECRET));
      assert.ok(!(await sam.received()).includes(SECRET));
      assert.ok(!(await sam.received()).includes('e2eAnalystPasted'));

      await screenshot(page, 'analyst-finding', {
        clip: await page
          .locator('main')
          .first()
          .evaluate(main => {
            const r = main.getBoundingClientRect();
            const cards = [...main.querySelectorAll('[class*="MuiCard-root"]')];
            const feedbackCard = cards.find(c =>
              c.querySelector('form[aria-label="Feedback"]'),
            );
            const bottom = feedbackCard
              ? feedbackCard.getBoundingClientRect().top
              : r.bottom;
            return {
              x: r.x,
              y: r.y,
              width: r.width,
              height: Math.min(bottom, r.bottom) - r.y,
            };
          }),
      });
      assert.deepEqual(sam.pageErrors, []);
    } catch (e) {
      await onFailure(page, 'analyst-finding');
      throw e;
    }
  },
);

test(
  'the analyst calls the MCP client a false positive and suppresses it on its team; it leaves the list and the Suppressions tab lists it',
  { timeout: 300_000 },
  async () => {
    const sam = await signIn('Security analyst', { width: 1400, height: 1600 });
    const { page } = sam;
    try {
      await openList(page, '', 4);
      await page
        .getByRole('row')
        .filter({ hasText: 'release-notes-cli' })
        .getByRole('link', { name: 'release-notes-cli' })
        .click();
      const feedback = card(page, 'Feedback');
      await feedback.waitFor();
      await feedback.getByRole('radio', { name: 'False positive' }).check();
      await feedback
        .getByRole('textbox', { name: 'Note (optional)' })
        .fill(FP_NOTE);
      await feedback
        .getByRole('checkbox', { name: /^Suppress: leave it out/ })
        .check();
      // Its server name on the team the owner belongs to, from the catalog.
      await feedback
        .getByRole('radio', { name: /^release-notes-cli on a team's machines/ })
        .check();
      await feedback
        .getByRole('button', { name: 'group:default/mcp-developers' })
        .click();
      assert.equal(
        await feedback.getByRole('textbox', { name: 'Team' }).inputValue(),
        'group:default/mcp-developers',
      );
      await feedback
        .getByRole('textbox', { name: 'Reason' })
        .fill('MCP clients built on the SDK, not servers: nothing to govern');
      await screenshot(feedback, 'analyst-feedback-suppress');
      await feedback
        .getByRole('button', { name: 'Send feedback and suppress' })
        .click();
      assert.equal(
        await feedback.getByRole('status').innerText(),
        `Feedback recorded: false positive; suppressed ${SUPPRESSION}`,
      );
      // The page says it is suppressed, why and by whom.
      const banner = page.getByRole('region', { name: 'Suppressed' });
      await banner.waitFor();
      assert.equal(
        await banner.getByTestId('suppression-reason').innerText(),
        'Reason: MCP clients built on the SDK, not servers: nothing to govern',
      );
      await banner
        .getByTestId('suppression-by')
        .getByText(
          /^Suppressed by user:default\/sam on .+, until an admin lifts it$/,
        )
        .waitFor();

      // Out of the default list; in it with "Show suppressed", marked so.
      await openList(page, '', 3);
      assert.deepEqual(Object.keys(await findingRows(page)).sort(), [
        'circleci',
        'filesystem',
        'postgres',
      ]);
      await page.getByRole('checkbox', { name: 'Show suppressed' }).check();
      await page.getByText('4 findings', { exact: true }).waitFor();
      assert.match(
        (await findingRows(page))['release-notes-cli'],
        /Suppressed[\s\S]*Open · False positive/,
      );

      // The Suppressions tab: what it matches, why, who, and what it hides.
      await page.getByRole('tab', { name: 'Suppressions' }).click();
      const row = page.getByRole('row').filter({ hasText: SUPPRESSION });
      await row.waitFor();
      const text = await row.innerText();
      assert.match(text, /Server on a team/);
      assert.match(text, /MCP clients built on the SDK, not servers/);
      assert.match(text, /user:default\/sam/);
      assert.match(text, /never: until lifted/);
      assert.match(text, /Active/);
      await row.getByRole('link', { name: '1 finding' }).waitFor();
      // An analyst reads them; only admins lift.
      assert.equal(
        await page.getByRole('button', { name: /^Lift/ }).count(),
        0,
      );
      await screenshot(page, 'analyst-suppressions', {
        clip: { x: 0, y: 0, width: 1400, height: 700 },
      });
      assert.ok(!(await sam.received()).includes(SECRET));
      assert.deepEqual(sam.pageErrors, []);
    } catch (e) {
      await onFailure(page, 'analyst-suppress');
      throw e;
    }
  },
);

test(
  "both findings' timelines tell what the analyst did",
  { timeout: 300_000 },
  async () => {
    const sam = await signIn('Security analyst', { width: 1400, height: 2200 });
    const { page } = sam;
    try {
      await page.goto(`${APP}/mcpeeker/findings/${ids.filesystem}`);
      const timeline = page.getByRole('list', { name: 'Timeline' });
      await timeline
        .getByText(
          `user:default/sam marked it a true positive: "${TP_NOTE}" (tags: secret, rotate)`,
        )
        .waitFor();
      await timeline
        .getByText(
          /^user:default\/sam (set the status to investigating|assigned it to user:default\/sam)/,
        )
        .first()
        .waitFor();
      const text = await timeline.innerText();
      assert.match(text, /set the status to investigating/);
      assert.match(text, /assigned it to user:default\/sam/);
      assert.match(text, /First seen on the endpoint/);
      // Newest first: the assignment (the last change) above the verdict.
      assert.ok(
        text.indexOf('assigned it to') <
          text.indexOf('marked it a true positive'),
        text,
      );
      await screenshot(card(page, 'Timeline'), 'analyst-timeline');

      await page.goto(`${APP}/mcpeeker/findings/${ids['release-notes-cli']}`);
      await page
        .getByRole('list', { name: 'Timeline' })
        .getByText(
          `Suppressed by user:default/sam: ${SUPPRESSION} (MCP clients built on the SDK, not servers: nothing to govern)`,
        )
        .waitFor();
      await page
        .getByRole('list', { name: 'Timeline' })
        .getByText(`user:default/sam marked it a false positive: "${FP_NOTE}"`)
        .waitFor();
      assert.deepEqual(sam.pageErrors, []);
    } catch (e) {
      await onFailure(page, 'analyst-timeline');
      throw e;
    }
  },
);

test(
  'the analyst exports the list as SARIF: the findings in view, the suppressed one left out, no secret',
  { timeout: 300_000 },
  async () => {
    const sam = await signIn('Security analyst');
    const { page } = sam;
    /** Exports the list in view as SARIF from its Export menu, in the browser, and reads the file. */
    const exportSarif = async () => {
      await page.getByRole('button', { name: 'Export' }).click();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('menuitem', { name: /^SARIF/ }).click(),
      ]);
      assert.match(
        download.suggestedFilename(),
        /^mcpeeker-findings-.+\.sarif$/,
      );
      const text = fs.readFileSync(await download.path(), 'utf8');
      assert.ok(!text.includes(SECRET));
      assert.ok(!text.includes('e2eAnalystPasted'));
      return JSON.parse(text);
    };
    /** The composite ids of the rows in view. */
    const idsInView = async () =>
      (
        await page
          .getByRole('row')
          .getByRole('link')
          .evaluateAll(links => links.map(a => a.getAttribute('href')))
      )
        .filter(href => /\/mcpeeker\/findings\/mcp_/.test(href))
        .map(href => href.split('/').pop())
        .sort();
    try {
      await openList(page, '', 3);
      const inView = await idsInView();
      assert.equal(inView.length, 3);
      const sarif = await exportSarif();
      assert.equal(sarif.version, '2.1.0');
      assert.match(sarif.$schema, /sarif-2\.1\.0/);
      const [run] = sarif.runs;
      assert.equal(run.tool.driver.name, 'MCPeeker');
      assert.equal(run.properties.complete, true);
      assert.equal(run.properties.count, 3);
      assert.equal(run.properties.exportedBy, 'user:default/sam');
      // A result per finding in view (rules 100–102), none for the suppressed one.
      const findingResults = results =>
        results.filter(r => /^MCPEEKER10[0-2]$/.test(r.ruleId));
      assert.deepEqual(
        findingResults(run.results)
          .map(r => r.partialFingerprints['mcpeekerCompositeId/v1'])
          .sort(),
        inView,
      );
      assert.ok(!inView.includes(ids['release-notes-cli']));
      const filesystem = findingResults(run.results).find(
        r => r.partialFingerprints['mcpeekerCompositeId/v1'] === ids.filesystem,
      );
      assert.equal(filesystem.ruleId, 'MCPEEKER101');
      assert.equal(filesystem.level, 'warning');
      assert.equal(filesystem.properties.score, 8);
      assert.equal(filesystem.properties.triage.status, 'investigating');
      assert.equal(filesystem.properties.triage.assignee, 'user:default/sam');
      assert.equal(filesystem.properties.triage.verdict, 'true-positive');
      assert.equal(filesystem.suppressions, undefined);
      // And a result per risk fact, at its key in Dana's config file.
      const secret = run.results.find(
        r =>
          r.ruleId === 'MCPEEKER001' &&
          r.partialFingerprints['mcpeekerCompositeId/v1'] === ids.filesystem,
      );
      assert.equal(secret.level, 'error');
      const [place] = secret.locations;
      assert.equal(
        place.physicalLocation.artifactLocation.uri,
        `file://${path.join(work, 'dana', '.cursor', 'mcp.json')}`,
      );
      assert.ok(place.physicalLocation.region.startLine > 0);
      assert.ok(
        place.logicalLocations.some(
          l =>
            l.fullyQualifiedName ===
            '$.mcpServers.filesystem.env.OPENAI_API_KEY',
        ),
        JSON.stringify(place),
      );

      // With "Show suppressed", the suppressed one too, dismissed in SARIF's words.
      await page.getByRole('checkbox', { name: 'Show suppressed' }).check();
      await page.getByText('4 findings', { exact: true }).waitFor();
      const all = await exportSarif();
      const suppressed = findingResults(all.runs[0].results).find(
        r =>
          r.partialFingerprints['mcpeekerCompositeId/v1'] ===
          ids['release-notes-cli'],
      );
      assert.ok(suppressed, 'the suppressed finding is in the export');
      assert.deepEqual(suppressed.suppressions, [
        {
          kind: 'external',
          status: 'accepted',
          justification: `${SUPPRESSION}: MCP clients built on the SDK, not servers: nothing to govern`,
        },
      ]);
      assert.equal(all.runs[0].properties.count, 4);
      assert.deepEqual(sam.pageErrors, []);
    } catch (e) {
      await onFailure(page, 'analyst-export');
      throw e;
    }
  },
);

test(
  "the developer sees her own findings only, the analyst's triage but not his notes, and registers her pinned server",
  { timeout: 360_000 },
  async () => {
    const dana = await signIn('Developer', { width: 1400, height: 2000 });
    const { page } = dana;
    try {
      // Her own: the suppressed one left out as for everyone, Lee's not hers.
      await openList(page, '', 2);
      assert.deepEqual(Object.keys(await findingRows(page)).sort(), [
        'circleci',
        'filesystem',
      ]);
      await openList(page, '?suppressed=include', 3);
      assert.deepEqual(Object.keys(await findingRows(page)).sort(), [
        'circleci',
        'filesystem',
        'release-notes-cli',
      ]);

      await page.goto(`${APP}/mcpeeker/findings/${ids.filesystem}`);
      const triage = card(page, 'Triage');
      await triage.waitFor();
      // The analyst's bookkeeping, read only.
      assert.match(
        await triage.getByRole('row', { name: /^Status/ }).innerText(),
        /Investigating/,
      );
      assert.match(
        await triage.getByRole('row', { name: /^Assignee/ }).innerText(),
        /user:default\/sam/,
      );
      assert.match(
        await triage.getByRole('row', { name: /^Latest Verdict/ }).innerText(),
        /True positive/,
      );
      assert.equal(await triage.getByRole('button').count(), 0);
      // How to fix it is hers to read.
      await card(page, 'Risks and how to fix them')
        .getByText(/rotate the OpenAI or Anthropic API key/)
        .waitFor();
      // The timeline says who judged it, without the analyst's note; no feedback form.
      const timeline = page.getByRole('list', { name: 'Timeline' });
      await timeline
        .getByText('user:default/sam marked it a true positive.', {
          exact: true,
        })
        .waitFor();
      assert.equal(await card(page, 'Feedback').count(), 0);
      assert.equal(
        await page.getByRole('button', { name: /Send feedback/ }).count(),
        0,
      );
      assert.ok(!(await page.content()).includes(TP_NOTE));
      assert.ok(!(await dana.received()).includes(TP_NOTE));
      assert.ok(!(await dana.received()).includes(SECRET));
      await screenshot(page, 'developer-finding', {
        clip: { x: 0, y: 0, width: 1400, height: 1250 },
      });

      // Her pinned CircleCI server: registered from its finding, for approval.
      await page.goto(`${APP}/mcpeeker/findings/${ids.circleci}`);
      await page.getByText('Register this server').click();
      assert.equal(
        await page.getByRole('textbox', { name: /Package/ }).inputValue(),
        '@circleci/mcp-server-circleci',
      );
      await page
        .getByRole('textbox', { name: /Purpose/ })
        .fill('Reads CircleCI build logs to explain failing pipelines');
      await page.getByRole('button', { name: 'Register', exact: true }).click();
      await page.getByRole('link', { name: 'Open the entry' }).waitFor();

      // She was told of each high risk by email, once, with its fix.
      const told = await waitForMail(
        m =>
          m.to.includes('dana@example.com') &&
          m.text.includes(
            "MCP server 'filesystem' on your endpoint: Secret written in the config",
          ),
      );
      assert.match(told.text, /rotate the OpenAI or Anthropic API key/);
      await waitForMail(m =>
        m.text.includes(
          "MCP server 'filesystem' on your endpoint: Filesystem access to a root or the home folder",
        ),
      );
      for (const m of smtp.messages) assert.ok(!m.raw.includes(SECRET));
      assert.deepEqual(dana.pageErrors, []);
    } catch (e) {
      await onFailure(page, 'developer');
      throw e;
    }
  },
);

test(
  'the admin lifts the suppression from the Suppressions tab and the finding is back in the list; her Approvals page has the registration',
  { timeout: 360_000 },
  async () => {
    const pat = await signIn('Platform admin', { width: 1400, height: 1000 });
    const { page } = pat;
    try {
      await page.getByRole('tab', { name: 'Suppressions' }).click();
      // In a 1280 px window the table fits its card: what a suppression
      // hides and Lift lie whole inside every box around them, none cut at
      // the card's edge nor scrolled out of view.
      await page.setViewportSize({ width: 1280, height: 1000 });
      const suppression = page
        .getByRole('row')
        .filter({ hasText: SUPPRESSION });
      const whole = el => {
        const r = el.getBoundingClientRect();
        for (let p = el.parentElement; p; p = p.parentElement) {
          const b = p.getBoundingClientRect();
          if (r.left < b.left - 0.5 || r.right > b.right + 0.5)
            return `cut by a ${p.tagName} at ${b.left}–${b.right}: ${r.left}–${r.right}`;
        }
        return r.right <= window.innerWidth ? 'whole' : `past ${r.right}`;
      };
      for (const inCell of [
        suppression.getByRole('link', { name: '1 finding' }),
        suppression.getByRole('button', { name: /^Lift/ }),
      ])
        assert.equal(await inCell.evaluate(whole), 'whole');
      await page.setViewportSize({ width: 1400, height: 1000 });
      await page
        .getByRole('button', { name: `Lift the suppression of ${SUPPRESSION}` })
        .click();
      const dialog = page.getByRole('dialog', {
        name: 'Lift the suppression?',
      });
      assert.match(
        await dialog.innerText(),
        /Every finding it matches comes back into the Findings list/,
      );
      await dialog
        .getByRole('textbox', { name: 'Reason (optional)' })
        .fill('the SDK clients are tracked by the release team now');
      await dialog.getByRole('button', { name: 'Lift suppression' }).click();
      assert.equal(
        await page.getByRole('status').innerText(),
        `Lifted: ${SUPPRESSION}`,
      );
      await page.getByText('No active suppressions', { exact: true }).waitFor();

      // Back in the default list, no longer marked suppressed.
      await openList(page, '', 4);
      const row = (await findingRows(page))['release-notes-cli'];
      assert.ok(row, 'release-notes-cli is back in the list');
      assert.doesNotMatch(row, /Suppressed/);
      await page.goto(`${APP}/mcpeeker/findings/${ids['release-notes-cli']}`);
      await page
        .getByRole('list', { name: 'Timeline' })
        .getByText(
          `Suppression of ${SUPPRESSION} revoked by user:default/pat (the SDK clients are tracked by the release team now)`,
        )
        .waitFor();
      assert.equal(
        await page.getByRole('region', { name: 'Suppressed' }).count(),
        0,
      );

      // Dana's registration waits for her.
      await page.getByRole('tab', { name: 'Approvals (1)' }).click();
      await page
        .getByRole('row')
        .filter({ hasText: 'Reads CircleCI build logs' })
        .getByRole('button', { name: 'Approve circleci' })
        .waitFor();
      await screenshot(page, 'admin-approvals', {
        clip: { x: 0, y: 0, width: 1400, height: 560 },
      });
      assert.deepEqual(pat.pageErrors, []);
    } catch (e) {
      await onFailure(page, 'admin');
      throw e;
    }
  },
);
