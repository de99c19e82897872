// The parents' pages in a real browser: sign in with the code from the email the outbox worker
// wrote, with JavaScript on and off; every page checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { BASE, launch, newPage, checkA11y } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Waits for the worker to write the next .eml file for `to`, and returns the code in it. */
async function codeFor(to, after) {
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

for (const javaScriptEnabled of [true, false]) {
  test(`a parent signs in with an emailed code (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
    const page = await newPage(browser, { javaScriptEnabled });
    const audit = javaScriptEnabled ? checkA11y : async () => {};
    const email = javaScriptEnabled ? 'parent0@example.com' : 'parent1@example.com';
    await page.goto(`${BASE}/parents/`);
    await audit(page, 'parents start');
    await page.click('text=Start now');
    await page.waitForURL(/sign-in/);
    await page.click('button:has-text("Continue")');
    await page.waitForSelector('.govuk-error-summary');
    await audit(page, 'parents email with errors');
    const sent = Date.now() - 1000;
    await page.fill('#email', email);
    await page.click('button:has-text("Continue")');
    await page.waitForURL(/check-email/);
    await audit(page, 'parents check email');
    const code = await codeFor(email, sent);
    await page.fill('#code', code);
    await page.click('button:has-text("Continue")');
    await page.waitForURL(/\/parents\/children$/);
    await audit(page, 'parents children');
    await page.click('main ul a >> nth=0');
    await page.waitForSelector('text=This is what the council');
    await audit(page, 'parents child record');
    await page.goto(`${BASE}/parents/email-consent`);
    await page.check('#information_requests');
    await page.click('button:has-text("Save my choices")');
    await page.waitForSelector('text=Your choices are saved');
    await audit(page, 'parents email consent');
    assert.deepEqual(page.problems.filter((p) => !p.startsWith('Failed to load resource')), []);
  });
}
