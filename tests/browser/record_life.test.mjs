// The record's whole life (issue 19) in a real browser: the s.436C(2) information, a legal hold
// placed and released, sending the record to another council, and a subject access request —
// each page, its errors, at 320px, with JavaScript on and off, checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, noScriptPage, checkA11y, signIn, assertFits } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function firstOpenChild(page) {
  await page.goto(`${BASE}/officers/register`);
  await page.click('table a.govuk-link >> nth=0');
  await page.waitForURL(/\/officers\/children\/[0-9a-f-]+$/);
  return page.url();
}

for (const js of [true, false]) {
  test(`a manager keeps a record's other information, holds and releases it, and opens transfer and subject access (JavaScript ${js ? 'on' : 'off'})`, async () => {
    const page = js ? await newPage(browser) : await noScriptPage(browser);
    const who = js ? 'js' : 'nojs';
    await signIn(page, `life.${who}@council.test`, process.env[`CNIS_LIFE_${who.toUpperCase()}_PASSWORD`], { audit: false });
    await page.setViewportSize({ width: 320, height: 640 });
    const child = await firstOpenChild(page);
    const tag = js ? 'js' : 'nojs';

    // s.436C(2): the record shows it; the page asks for it and refuses a date to come.
    assert.ok(await page.$('#other-information'), 'the record has the other information');
    await page.goto(`${child}/other-information`);
    await checkA11y(page, `other information ${tag}`);
    await assertFits(page, 'other information');
    await page.check('#young_carer');
    await page.fill('#missing_education_from-day', '1');
    await page.fill('#missing_education_from-month', '1');
    await page.fill('#missing_education_from-year', String(new Date().getFullYear() + 1));
    await page.click('button:has-text("Save")');
    await page.waitForSelector('.govuk-error-summary');
    await checkA11y(page, `other information with errors ${tag}`);
    await page.fill('#missing_education_from-year', '');
    await page.fill('#missing_education_from-month', '');
    await page.fill('#missing_education_from-day', '');
    await page.click('button:has-text("Save")');
    await page.waitForSelector('.govuk-notification-banner');
    assert.ok((await page.textContent('#other-information + p + dl')).includes('Yes'), 'young carer saved');

    // A legal hold: the reason is required; the record shows it; a manager releases it.
    await page.goto(`${child}/legal-hold`);
    await checkA11y(page, `legal hold ${tag}`);
    await page.click('button:has-text("Place the legal hold")');
    await page.waitForSelector('.govuk-error-summary');
    await checkA11y(page, `legal hold with errors ${tag}`);
    await page.fill('#reason', 'Complaint C-114 before the Ombudsman');
    await page.click('button:has-text("Place the legal hold")');
    await page.waitForSelector('text=Legal hold placed');
    await checkA11y(page, `record on legal hold ${tag}`);
    await assertFits(page, 'record on legal hold');
    await page.click('a:has-text("Release the legal hold")');
    await page.waitForURL(/legal-hold\/release$/);
    await checkA11y(page, `release a legal hold ${tag}`);
    await page.click('button:has-text("Release the legal hold")');
    await page.waitForSelector('text=Legal hold released');

    // Sending the record: the council list and the errors, without sending.
    await page.goto(`${child}/transfer`);
    await checkA11y(page, `send the record ${tag}`);
    await assertFits(page, 'send the record');
    await page.click('button:has-text("Send the record")');
    await page.waitForSelector('.govuk-error-summary');
    await checkA11y(page, `send the record with errors ${tag}`);

    // Subject access: who asked, and the redactions, confirmed.
    await page.goto(`${child}/subject-access`);
    await checkA11y(page, `subject access ${tag}`);
    await assertFits(page, 'subject access');
    await page.click('button:has-text("Download the bundle")');
    await page.waitForSelector('.govuk-error-summary');
    await checkA11y(page, `subject access with errors ${tag}`);
    // Taking in a record another council sent: the page and its errors.
    await page.goto(`${BASE}/officers/transfers/receive`);
    await checkA11y(page, `take in a record ${tag}`);
    await assertFits(page, 'take in a record');
    await page.click('button:has-text("Take in the record")');
    await page.waitForSelector('.govuk-error-summary >> text=Choose the file the other council sent');
    await page.setInputFiles('#package_file', {
      name: 'from-devon.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"not": "a package"}'),
    });
    await page.click('button:has-text("Take in the record")');
    await page.waitForSelector('.govuk-error-summary >> text=The record was not taken in');
    await checkA11y(page, `take in a record with errors ${tag}`);
    await assertFits(page, 'take in a record with errors');

    // A parent's subject access request, by email address in the form.
    await page.goto(`${BASE}/officers/subject-access`);
    await checkA11y(page, `parent subject access ${tag}`);
    await page.click('button:has-text("Download the bundle")');
    await page.waitForSelector('.govuk-error-summary');
    await checkA11y(page, `parent subject access with errors ${tag}`);
    await assertFits(page, 'parent subject access');

    // The figures managers may share outside the council, rounded, at 320px.
    await page.goto(`${BASE}/officers/dashboard/shareable`);
    await checkA11y(page, `shareable figures ${tag}`);
    await assertFits(page, 'shareable figures');

    // 422 pages (the errors above) are logged by Chromium as failed loads; nothing else may be.
    assert.deepEqual(page.problems.filter((p) => !p.startsWith('Failed to load resource')), [], 'no console errors');
  });
}
