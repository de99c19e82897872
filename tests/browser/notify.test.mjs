// A parent tells the council about a child, then reports a change, asks for support and answers a
// request for information on a 320px phone: every page checked with axe and for reflow, with
// JavaScript on and with every script blocked (the no-JavaScript rendering, where conditional
// questions are simply shown).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, checkA11y, parentSignIn, noScriptPage, assertFits } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const scripts of [true, false]) {
  const mode = scripts ? 'JavaScript on' : 'no JavaScript';
  test(`a parent tells the council about a child and keeps it up to date (${mode})`, async () => {
    const page = scripts ? await newPage(browser) : await noScriptPage(browser);
    // A parent on a phone: every page reflows at 320px (WCAG 1.4.10).
    await page.setViewportSize({ width: 320, height: 640 });
    const audit = async (label) => {
      await checkA11y(page, `${label} (${mode})`);
      await assertFits(page, label);
    };
    const next = async () => {
      await page.click('button:has-text("Continue")');
      await page.waitForLoadState();
    };
    // Demo families 4 and 12 each have a request for information waiting.
    const email = scripts ? 'parent4@example.com' : 'parent12@example.com';
    await parentSignIn(page, email);

    await page.goto(`${BASE}/parents/notify`);
    await audit('notify start');
    await page.click('text=Start now');
    await page.waitForURL(/notify\/you$/);
    await next();
    await page.waitForSelector('.govuk-error-summary');
    await audit('about you with errors');
    await page.fill('#given_names', 'Sam');
    await page.fill('#family_name', 'Carter');
    await page.check('#relationship');
    await page.check('#parental_responsibility');
    await page.check('#educating');
    await next();
    await page.waitForURL(/your-address$/);
    await audit('your address');
    await page.fill('#line_1', '4 Mill Lane');
    await page.fill('#town', 'Demoton');
    await page.fill('#postcode', 'DT1 2CD');
    await next();
    await page.waitForURL(/child\/0\/name$/);
    await audit('child name');
    await page.fill('#given_names', scripts ? 'Robin' : 'Alex');
    await page.fill('#family_name', 'Carter');
    await next();
    await page.waitForURL(/date-of-birth$/);
    await audit('date of birth');
    await page.fill('#date_of_birth-day', '1');
    await page.fill('#date_of_birth-month', '6');
    await page.fill('#date_of_birth-year', '2024');
    await next();
    await page.waitForSelector('text=is not of compulsory school age yet');
    await audit('date of birth under school age');
    await page.fill('#date_of_birth-year', '2016');
    await next();
    await page.waitForURL(/child\/0\/address$/);
    await audit('child address');
    await page.check('#same_as_yours-1');
    await next();
    await page.waitForURL(/home-address$/);
    await audit('child home address');
    await page.fill('#line_1', '9 Orchard Close');
    await page.fill('#town', 'Demoton');
    await page.fill('#postcode', 'DT1 3EF');
    await next();
    await page.waitForURL(/previous-address$/);
    await audit('previous address');
    await page.check('#long_enough');
    await next();
    await page.waitForURL(/education$/);
    await audit('education');
    await page.check('#arrangement');
    await next();
    await page.waitForURL(/time$/);
    await audit('time');
    await page.fill('#parent_hours', '18');
    await page.fill('#other_hours', '3');
    await next();
    await page.waitForURL(/other-educators$/);
    await audit('other educators question');
    await page.check('#more');
    await next();
    await page.waitForURL(/other-educators\/0$/);
    await audit('other educator');
    await page.fill('#name', 'Demoton Music School');
    await page.selectOption('#provider_type', 'activity');
    await page.fill('#address', '2 Hall Street, Demoton');
    await page.fill('#hours_per_week', '3');
    await page.fill('#hours_without_parent', '0');
    await next();
    await page.waitForURL(/other-educators$/);
    await audit('other educators listed');
    await page.check('#more-1');
    await next();
    await page.waitForURL(/optional$/);
    await audit('optional questions');
    await next();
    await page.waitForURL(/notify\/children$/);
    await audit('children summary');
    await page.check('#more-1');
    await next();
    await page.waitForURL(/other-parents$/);
    await audit('other parents');
    // The other parent's questions, a group per page.
    await page.check('#more');
    await next();
    await page.waitForURL(/other-parents\/0$/);
    await audit('other parent name');
    await page.fill('#given_names', 'Lee');
    await page.fill('#family_name', 'Carter');
    await page.check('#relationship');
    await next();
    await page.waitForURL(/other-parents\/0\/role$/);
    await next();
    await page.waitForSelector('.govuk-error-summary');
    await audit('other parent role with errors');
    await page.check('#parental_responsibility');
    await page.check('#lives_with_child-1');
    await page.check('#educating-1');
    await next();
    await page.waitForURL(/other-parents\/0\/contact$/);
    await audit('other parent contact');
    await page.fill('#email', 'lee.carter@example.com');
    await next();
    await page.waitForURL(/other-parents$/);
    await page.check('#more-1');
    await next();
    await page.waitForURL(/check$/);
    await audit('check answers');
    assert.match(await page.textContent('main'), /lee\.carter@example\.com/);
    // Removing asks first; "No, go back" keeps them.
    await page.click('.govuk-summary-card:has-text("Lee Carter") a:has-text("Remove")');
    await page.waitForURL(/other-parents\/0\/remove$/);
    await audit('remove other parent');
    await page.click('a:has-text("No, go back")');
    await page.waitForURL(/check$/);
    assert.match(await page.textContent('main'), /Lee Carter/);
    await page.click('button:has-text("Accept and send")');
    await page.waitForURL(/sent$/);
    await audit('notification sent');
    assert.match(await page.textContent('.govuk-panel'), /PN-/);

    // The children's page now lists the new child beside the family's own.
    await page.goto(`${BASE}/parents/children`);
    await audit('children after notification');
    const links = await page.$$eval('main ul.govuk-list a', (as) => as.map((a) => a.getAttribute('href')));
    let withRequest;
    for (const href of links) {
      await page.goto(`${BASE}${href}`);
      if (await page.$('a:has-text("Answer the request")')) withRequest = href;
    }
    assert.ok(withRequest, 'a child with a request for information');
    await page.goto(`${BASE}${withRequest}`);
    await audit('child with actions');
    await page.click('a:has-text("Answer the request")');
    await audit('information request');
    await page.click('button:has-text("Continue")');
    await page.waitForSelector('.govuk-error-summary');
    await audit('information request with errors');
    await page.check('#changed-1');
    await page.fill('#parent_hours', '20');
    await page.fill('#other_hours', '2');
    await page.click('button:has-text("Continue")');
    await page.waitForSelector('h1:has-text("Check your answers")');
    await audit('information request check answers');
    await page.click('button:has-text("Accept and send")');
    await page.waitForSelector('.govuk-panel');
    await audit('information request sent');
    assert.match(await page.textContent('.govuk-panel'), /PR-/);
    await page.click('a:has-text("Back to")');
    await page.waitForSelector('h2:has-text("What you have told the council")');
    await audit('child after sending');

    await page.click('a:has-text("Report a change")');
    await audit('report a change');
    await page.click('button:has-text("Continue")');
    await page.waitForSelector('.govuk-error-summary');
    await audit('report a change with errors');
    await page.check('#what-2');
    await page.fill('#educator_name', 'Riverside Maths Tutoring');
    await page.selectOption('#educator_type', 'tutor');
    await page.fill('#educator_place', '4 Mill Street, Demoton');
    await page.fill('#educator_hours', '2');
    await page.fill('#happened_on-day', '2');
    await page.fill('#happened_on-month', '11');
    await page.fill('#happened_on-year', '2026');
    await page.click('button:has-text("Continue")');
    await page.waitForSelector('h1:has-text("Check your answers")');
    // Changing an answer keeps everything typed so far.
    await page.click('button:has-text("Change your answers")');
    await page.waitForSelector('#educator_name');
    assert.equal(await page.inputValue('#educator_name'), 'Riverside Maths Tutoring');
    await page.click('button:has-text("Continue")');
    await page.waitForSelector('h1:has-text("Check your answers")');
    await audit('report a change check answers');
    await page.click('button:has-text("Accept and send")');
    await page.waitForSelector('.govuk-panel');
    await audit('report a change sent');
    await page.click('a:has-text("Back to")');

    await page.click('a:has-text("Ask for advice or support")');
    await audit('ask for support');
    await page.check('#support-1');
    await page.fill('#details', 'GCSE English next June');
    await page.click('button:has-text("Continue")');
    await page.waitForSelector('h1:has-text("Check your answers")');
    await page.click('button:has-text("Accept and send")');
    await page.waitForSelector('.govuk-panel');
    await page.click('a:has-text("Back to")');
    await page.waitForSelector('h2:has-text("What you have told the council")');
    assert.equal(await page.locator('main li:has-text("(reference PR-")').count(), 3);

    await page.click('a:has-text("has joined a school")');
    await audit('no longer in scope');
    await page.click('button:has-text("Continue")');
    await page.waitForSelector('.govuk-error-summary');
    await audit('no longer in scope with errors');
    assert.deepEqual(page.problems.filter((p) => !p.startsWith('Failed to load resource')), []);
  });
}
