// A parent applies for consent to home educate (s.434A) on a 320px phone, with JavaScript on and
// with every script blocked: first whether consent is needed at all, then one question per page,
// check your answers and the application's own page. Every page is checked with axe and must fit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, noScriptPage, checkA11y, parentSignIn, applyForConsent, assertFits } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const scripts of [true, false]) {
  const mode = scripts ? 'JavaScript on' : 'no JavaScript';
  test(`a parent on a phone applies for consent (${mode})`, async () => {
    const page = scripts ? await newPage(browser) : await noScriptPage(browser);
    await page.setViewportSize({ width: 320, height: 640 });
    const audit = async (label) => {
      await checkA11y(page, `${label} at 320px (${mode})`);
      await assertFits(page, label);
    };
    await parentSignIn(page, scripts ? 'apply.phone@example.com' : 'apply.nojs@example.com');

    const path = await applyForConsent(page, audit, { given: scripts ? 'Robin' : 'Alex' });
    assert.match(await page.textContent('.govuk-notification-banner'), /Your application has been sent/);
    await page.goto(`${BASE}/parents/applications`);
    await audit('applications list');
    assert.ok(await page.$(`a[href="${path}"]`), 'the list links the new application');
    // A second child meets none of the conditions: the "consent not needed" outcome, for the parent and the school.
    await page.goto(`${BASE}/parents/apply`);
    await page.click('text=Start now');
    await page.waitForURL(/needs-consent$/);
    await page.check('#needs_consent-3');
    await page.click('button:has-text("Continue")');
    await page.waitForURL(/not-needed$/);
    await audit('consent not needed');
    assert.match(await page.textContent('h1'), /You do not need the council's consent/);
    assert.match(await page.textContent('main'), /For the school/);
    await page.click('a:has-text("Change your answer")');
    await page.waitForURL(/needs-consent\?return=check$/);
    await audit('changing whether consent is needed');

    assert.deepEqual(page.problems.filter((p) => !p.startsWith('Failed to load resource')), []);
  });
}
