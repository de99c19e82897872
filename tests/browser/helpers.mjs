// Shared browser-test helpers: Debian's Chromium via playwright-core, axe-core for WCAG 2.2 AA.
import { readFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import * as OTPAuth from 'otpauth';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const ARTIFACTS = new URL('./artifacts', import.meta.url).pathname;

export const BASE = process.env.CNIS_URL ?? 'http://127.0.0.1:8080';

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** A page that records CSP violations and script errors so tests can assert there are none. */
export async function newPage(browser, { javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  // Fail a step in 15 s rather than wait on a page that will never come.
  page.setDefaultTimeout(15000);
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  watchMissing(page);
  return page;
}

/** Records every asset a page asks for and does not get (fonts, images, scripts, styles): none
 * may be missing. Pages themselves may be 404 or 422 on purpose, so documents are not counted. */
function watchMissing(page) {
  page.missing = [];
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'document') page.missing.push(`${r.status()} ${r.url()}`);
  });
}

/** Runs axe-core on the current page: zero WCAG 2.0/2.1/2.2 A and AA violations allowed. */
export async function checkA11y(page, label) {
  // Injected through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }),
  );
  // Screenshots are kept as test artefacts (tests/browser/artifacts, not committed).
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${label.replace(/[^a-z0-9]+/gi, '-')}.png`, fullPage: true });
  assert.deepEqual(page.missing ?? [], [], `assets missing on ${label}`);
  const summary = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(summary, [], `axe violations on ${label}`);
  return result.passes.length;
}

export function totp(base32) {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(base32), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
}

/** Signs in through the pages, enrolling the authenticator when asked. */
export async function signIn(page, email, password, { audit = true, home = '/officers/' } = {}) {
  await page.goto(`${BASE}/officers/sign-in`);
  if (audit) await checkA11y(page, 'sign-in');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button:has-text("Continue")');
  await page.waitForURL(/two-factor/);
  if (audit) await checkA11y(page, 'two-factor enrolment');
  const secret = (await page.textContent('.cnis-secret')).replace(/\s/g, '');
  await page.fill('#code', totp(secret));
  await page.click('button:has-text("Continue")');
  // A password issued from the command line: the new user chooses their own first.
  await page.waitForURL((u) => u.pathname === home || u.pathname === '/officers/account/password');
  if (new URL(page.url()).pathname === '/officers/account/password') {
    if (audit) await checkA11y(page, 'choose a new password');
    await page.fill('#current_password', password);
    await page.fill('#new_password', 'correct lantern galaxy ferret');
    await page.fill('#confirm_password', 'correct lantern galaxy ferret');
    await page.click('button:has-text("Save the new password")');
    await page.waitForURL(/\/officers\/account\?done=password/);
    await page.goto(`${BASE}${home}`);
  }
  await page.waitForURL(`${BASE}${home}`);
}

/** Waits for the worker to write the next .eml file for `to`, and returns the code in it. */
export async function codeFor(to, after) {
  const dir = process.env.CNIS_MAIL_DIR;
  for (let i = 0; i < 100; i++) {
    const files = readdirSync(dir)
      .map((f) => `${dir}/${f}`)
      .filter((f) => statSync(f).mtimeMs > after)
      .map((f) => readFileSync(f, 'utf8'))
      .filter((t) => t.includes(`To: ${to}`));
    const m = files.map((t) => /security code is (\d{6})/.exec(t.replace(/=\r?\n/g, ''))).find(Boolean);
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no email for ${to}`);
}

/** A parent signs in with the emailed code; no accessibility checks (parents.test.mjs does those). */
export async function parentSignIn(page, email) {
  await page.goto(`${BASE}/parents/sign-in`);
  const sent = Date.now() - 1000;
  await page.fill('#email', email);
  await page.click('button:has-text("Continue")');
  await page.waitForURL(/check-email/);
  await page.fill('#code', await codeFor(email, sent));
  await page.click('button:has-text("Continue")');
  await page.waitForURL(/\/parents\//);
}

/** A page in a context that blocks every script the service sends: the no-JavaScript rendering,
 * which axe (injected through the DevTools protocol) can still check. */
export async function noScriptPage(browser) {
  const context = await browser.newContext();
  await context.route(/\.m?js(\?.*)?$/, (route) => route.abort());
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(String(e)));
  watchMissing(page);
  return page;
}

/** Fails unless nothing on the page is wider than the window (a 320px phone reflows, WCAG 1.4.10). */
export async function assertFits(page, label) {
  const { width, inner } = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(width <= inner, `${label} is ${width}px wide in a ${inner}px window`);
}

/** A parent applies for consent to home educate, one question per page, auditing each page with
 * `audit(label)`. `school` is the school's label in the list, or undefined for the first one. */
export async function applyForConsent(page, audit, { given = 'Robin', school } = {}) {
  const next = async (url) => {
    await page.click('button:has-text("Continue")');
    if (url) await page.waitForURL(url);
  };
  await page.goto(`${BASE}/parents/apply`);
  await audit('apply start');
  await page.click('text=Start now');
  await page.waitForURL(/apply\/needs-consent$/);
  await next();
  await page.waitForSelector('.govuk-error-summary');
  await audit('needs consent with errors');
  await page.check('#needs_consent-1');
  await next(/child-name$/);
  await audit('apply child name');
  await page.fill('#given_names', given);
  await page.fill('#family_name', 'Hartley');
  await next(/child-date-of-birth$/);
  await audit('apply date of birth');
  await page.fill('#date_of_birth-day', '4');
  await page.fill('#date_of_birth-month', '9');
  await page.fill('#date_of_birth-year', '2014');
  await next(/child-sex$/);
  await audit('apply sex');
  await page.check('#sex');
  await next(/child-address$/);
  await audit('apply child address');
  await page.fill('#address_line_1', '7 Orchard Way');
  await page.fill('#town', 'Demoton');
  await page.fill('#postcode', 'dt3 7hg');
  await next(/apply\/school$/);
  await audit('apply school');
  if (school) await page.selectOption('#school_id', { label: school });
  else await page.selectOption('#school_id', { index: 1 });
  await next(/apply\/you$/);
  await audit('apply about you');
  await page.fill('#parent_name', 'Jo Hartley');
  await next(/your-address$/);
  await audit('apply your address');
  await page.fill('#parent_address', '7 Orchard Way, Demoton DT3 7HG');
  await next(/decision-by-email$/);
  await audit('apply decision by email');
  await page.check('#email_consent');
  await next(/other-parent$/);
  await audit('apply other parent');
  await page.check('#other_known');
  await next(/other-parent-details$/);
  await next();
  await page.waitForSelector('.govuk-error-summary');
  await audit('apply other parent details with errors');
  await page.fill('#other_name', 'Sam Hartley');
  await page.fill('#other_email', 'sam.hartley@example.com');
  await next(/who-educates$/);
  await audit('apply who educates');
  await page.fill('#educated_by', 'Jo, with a tutor');
  await page.fill('#hours_per_week', '20');
  await next(/apply\/plan$/);
  await audit('apply plan');
  await page.fill('#education_plan', 'Maths, English and science every weekday morning.');
  await next(/resources$/);
  await page.fill('#resources', 'Library and online courses');
  await next(/reasons$/);
  await page.fill('#reasons', 'Bullying');
  await next(/needs$/);
  await audit('apply needs');
  await page.fill('#needs', 'None');
  await next(/apply\/check$/);
  await audit('apply check answers');
  assert.match(await page.textContent('main'), /DT3 7HG/);
  assert.match(await page.textContent('main'), /sam\.hartley@example\.com/);
  await page.click('button:has-text("Accept and send")');
  await page.waitForURL(/\/parents\/applications\/[0-9a-f-]{36}/);
  await audit('application sent');
  return new URL(page.url()).pathname;
}
