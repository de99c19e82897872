// Officers' pages in a real browser: every page checked with axe (WCAG 2.2 AA), with JavaScript
// on and off, and no Content Security Policy violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, checkA11y, signIn, assertFits } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('officer journey: every page passes axe and GOV.UK Frontend runs under the CSP', async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/officers/sign-in`);
  assert.ok(await page.evaluate(() => document.body.classList.contains('govuk-frontend-supported')), 'GOV.UK Frontend initialised');
  // A wrong password: the error summary is shown and takes focus.
  await page.fill('#email', process.env.CNIS_OFFICER_EMAIL);
  await page.fill('#password', 'definitely wrong password');
  await page.click('button:has-text("Continue")');
  await page.waitForSelector('.govuk-error-summary');
  assert.ok(await page.evaluate(() => document.activeElement?.closest('.govuk-error-summary') !== null), 'error summary focused');
  await checkA11y(page, 'sign-in error');

  await signIn(page, process.env.CNIS_OFFICER_EMAIL, process.env.CNIS_OFFICER_PASSWORD);
  await checkA11y(page, 'home');

  await page.goto(`${BASE}/officers/register`);
  await checkA11y(page, 'register list');
  await page.fill('#q', 'smith');
  await page.click('button:has-text("Search")');
  await page.waitForSelector('h2:has-text("found")');
  assert.ok(!page.url().includes('smith'), 'search terms stay out of the URL');
  await checkA11y(page, 'search results');

  await page.goto(`${BASE}/officers/register?flag=outside_csa`);
  await checkA11y(page, 'filtered list');
  await page.click('table a.govuk-link >> nth=0');
  await page.waitForURL(/\/officers\/children\//);
  await checkA11y(page, 'child record');
  const childUrl = page.url();

  await page.goto(`${childUrl}/edit`);
  await checkA11y(page, 'edit');
  await page.click('button:has-text("Save changes")');
  await page.waitForSelector('.govuk-error-summary');
  await checkA11y(page, 'edit with errors');

  for (const [path, label] of [['/close', 'close'], ['/addresses/new', 'add address'], ['/parents/new', 'add parent'], ['/providers/new', 'add provider']]) {
    await page.goto(`${childUrl}${path}`);
    await checkA11y(page, label);
  }
  // Issue 16: a parent is changed in place from their card; removal is its own page.
  await page.goto(childUrl);
  await page.click('.govuk-summary-card a:has-text("Change") >> nth=0');
  await page.waitForURL(/\/parents\/[^/]+\/change$/);
  assert.ok((await page.inputValue('#given_names')).length > 0, 'the change form opens with what the record holds');
  await checkA11y(page, 'change a parent');
  await page.goto(childUrl);
  await page.click('.govuk-summary-card a:has-text("Remove") >> nth=0');
  await page.waitForURL(/\/remove$/);
  await checkA11y(page, 'remove a parent');
  await page.setViewportSize({ width: 320, height: 800 });
  await page.goto(childUrl);
  await checkA11y(page, 'child record at 320px');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), 'nothing on the record is wider than a 320px screen');
  // Every list of the officers' pages reflows at 320px: wide tables scroll in their own region,
  // hidden link text included (it once widened the matches page to 505px).
  for (const url of ['/officers/', '/officers/register', '/officers/matches', '/officers/tasks', '/officers/information-requests', '/officers/consent', '/officers/attendance', '/officers/cross-check']) {
    await page.goto(`${BASE}${url}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `${url} is ${width}px wide at 320px`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${BASE}/officers/children/new`);
  await checkA11y(page, 'add child');
  await page.click('button:has-text("Add to the register")');
  await page.waitForSelector('.govuk-error-summary');
  await checkA11y(page, 'add child with errors');
  await page.goto(`${BASE}/officers/account`);
  await checkA11y(page, 'account');
  await page.goto(`${BASE}/officers/emails`);
  await checkA11y(page, 'emails not sent');
  await page.goto(`${BASE}/officers/tasks`);
  await checkA11y(page, 'tasks');
  await page.click('main table a.govuk-link >> nth=0');
  await page.waitForURL(/\/officers\/tasks\//);
  await checkA11y(page, 'task');
  await page.click('button:has-text("Mark as done")');
  await page.waitForSelector('.govuk-error-summary');
  await checkA11y(page, 'task with errors');
  await page.goto(`${BASE}/officers/information-requests`);
  await checkA11y(page, 'information requests');
  // The demo register is cross-checked against demo social care records at load.
  await page.goto(`${BASE}/officers/matches`);
  await checkA11y(page, 'social care review queue');
  await page.click('main table a[href^="/officers/matches/"] >> nth=0');
  await page.waitForURL(/\/officers\/matches\//);
  await checkA11y(page, 'social care pair');
  await page.click('button:has-text("Save decision")');
  await page.waitForSelector('.govuk-error-summary');
  await checkA11y(page, 'social care pair with errors');
  await page.check('#decision');
  await page.fill('#reason', 'Same child: the date of birth was keyed a day out');
  await page.click('button:has-text("Save decision")');
  await page.waitForSelector('text=Decision saved');
  await checkA11y(page, 'record with social care flags');
  await page.goto(`${BASE}/officers/cross-check`);
  await checkA11y(page, 'cross-check runs');
  await page.goto(`${BASE}/officers/no-such-page`);
  await checkA11y(page, 'not found');
  // Form errors come back as 422 and unknown pages as 404: Chromium logs those loads, which is expected.
  const problems = page.problems.filter((p) => !p.startsWith('Failed to load resource'));
  assert.deepEqual(problems, [], 'no script errors or CSP violations');
});

test('manager reads the audit log', async () => {
  const page = await newPage(browser);
  await signIn(page, process.env.CNIS_MANAGER_EMAIL, process.env.CNIS_MANAGER_PASSWORD, { audit: false });
  await page.goto(`${BASE}/officers/audit`);
  await checkA11y(page, 'audit log');
  assert.ok((await page.textContent('table')).includes('signed_in'));
  await page.goto(`${BASE}/officers/audit?from=nonsense`);
  await checkA11y(page, 'audit log with errors');

  // The DfE return: choose a census date, read the counts, open one count's children; at 320px too.
  await page.goto(`${BASE}/officers/returns`);
  await checkA11y(page, 'DfE return');
  await page.click('button:has-text("Show the return")');
  await page.waitForLoadState();
  await page.check('#on-other');
  await page.click('button:has-text("Show the return")');
  await page.waitForSelector('.govuk-error-summary');
  await checkA11y(page, 'DfE return with errors');
  const d = new Date();
  await page.fill('#on_date-day', String(d.getDate()));
  await page.fill('#on_date-month', String(d.getMonth() + 1));
  await page.fill('#on_date-year', String(d.getFullYear()));
  await page.click('button:has-text("Show the return")');
  await page.waitForSelector('text=Download the return for the DfE');
  await checkA11y(page, 'DfE return for today');
  await page.setViewportSize({ width: 320, height: 640 });
  await checkA11y(page, 'DfE return at 320px');
  await assertFits(page, 'DfE return');
  await page.click('table a[href*="/officers/returns/children"]');
  await page.waitForURL(/returns\/children/);
  await checkA11y(page, 'DfE return count children at 320px');
  await assertFits(page, 'DfE return children');
  assert.ok(await page.$('main a[href^="/officers/children/"]'), 'the count lists its children');
  // The dashboard's charts, each beside its table, readable at 320px.
  await page.goto(`${BASE}/officers/dashboard`);
  await checkA11y(page, 'dashboard at 320px');
  await assertFits(page, 'dashboard');
  assert.ok((await page.$$('svg[role="img"]')).length >= 6, 'the dashboard draws its charts');
  await page.setViewportSize({ width: 1280, height: 800 });
  await checkA11y(page, 'dashboard');
});

test('with JavaScript off an officer adds a child and closes the entry', async () => {
  const page = await newPage(browser, { javaScriptEnabled: false });
  await signIn(page, process.env.CNIS_NOJS_EMAIL, process.env.CNIS_NOJS_PASSWORD, { audit: false });
  await page.goto(`${BASE}/officers/children/new`);
  const fill = async (sel, v) => page.fill(sel, v);
  await fill('#given_names', 'Nojs');
  await fill('#family_name', 'Browser-Test');
  await fill('#date_of_birth-day', '14');
  await fill('#date_of_birth-month', '2');
  await fill('#date_of_birth-year', '2016');
  await page.check('#sex');
  await page.selectOption('#arrangement', 'home_educated');
  await page.check('#eligibility_condition');
  await page.selectOption('#reason', 'not_provided');
  await page.selectOption('#sen_status', 'not_known');
  await fill('#line_1', '9 Orchard Close');
  await fill('#town', 'Demoton');
  await fill('#postcode', 'dt2 5qr');
  await fill('#p_given_names', 'Pat');
  await fill('#p_family_name', 'Browser-Test');
  await page.selectOption('#p_relationship', 'other');
  await page.click('button:has-text("Add to the register")');
  await page.waitForSelector('text=Child added to the register');
  const recordUrl = page.url();
  await page.click('a:has-text("Close this entry")');
  await page.check('#closed_reason');
  await fill('#closed_on-day', '1');
  await fill('#closed_on-month', '11');
  await fill('#closed_on-year', '2026');
  await page.click('button:has-text("Close entry")');
  await page.waitForSelector('text=Entry closed');
  assert.ok((await page.textContent('main')).includes('Moved out of the council'));

  // axe needs script, so check the no-JavaScript rendering in a context that blocks every
  // script the pages load (axe itself arrives through the DevTools protocol).
  const context = await browser.newContext({ storageState: await page.context().storageState() });
  await context.route(/\.m?js(\?.*)?$/, (route) => route.abort());
  const plain = await context.newPage();
  plain.setDefaultTimeout(15000);
  for (const [url, label] of [
    [`${BASE}/officers/`, 'home (no JS)'],
    [`${BASE}/officers/register`, 'register (no JS)'],
    [recordUrl.split('?')[0], 'record (no JS)'],
    [`${BASE}/officers/tasks`, 'tasks (no JS)'],
    [`${BASE}/officers/matches`, 'social care review queue (no JS)'],
    [`${BASE}/officers/cross-check`, 'cross-check runs (no JS)'],
    [`${BASE}/officers/information-requests`, 'information requests (no JS)'],
    [`${BASE}/officers/children/new`, 'add child (no JS)'],
  ]) {
    await plain.goto(url);
    assert.equal(await plain.evaluate(() => document.body.classList.contains('govuk-frontend-supported')), false, 'scripts blocked');
    await checkA11y(plain, label);
  }
  await plain.click('button:has-text("Add to the register")');
  await plain.waitForSelector('.govuk-error-summary');
  await checkA11y(plain, 'add child with errors (no JS)');
  await context.close();
});
