// The parents' pages in a real browser: sign in with the code from the email the outbox worker
// wrote, with JavaScript on and off; every page checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, checkA11y, codeFor } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

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
