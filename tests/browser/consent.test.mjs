// Consent to home educate (s.434A) in a real browser: an administrator sets up a school and its
// staff, the school sends a notice, a parent applies, an officer assesses and a manager decides.
// Every page, and every page with errors, is checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, noScriptPage, checkA11y, signIn, parentSignIn, applyForConsent, assertFits } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function fillPupil(page) {
  await page.fill('#given_names', 'Robin');
  await page.fill('#family_name', 'Hartley');
  await page.fill('#date_of_birth-day', '4');
  await page.fill('#date_of_birth-month', '9');
  await page.fill('#date_of_birth-year', '2014');
  await page.check('#sex');
  await page.fill('#address_line_1', '7 Orchard Way');
  await page.fill('#town', 'Demoton');
  await page.fill('#postcode', 'DT3 7HG');
}

function todayParts() {
  const d = new Date();
  return [String(d.getDate()), String(d.getMonth() + 1), String(d.getFullYear())];
}

test('consent to home educate: administrator, school, parent, officer and manager', async () => {
  // The administrator adds a school and a member of its staff.
  const admin = await newPage(browser);
  await signIn(admin, 'consent.admin@council.test', process.env.CNIS_CONSENT_ADMIN_PASSWORD, { audit: false });
  await admin.goto(`${BASE}/officers/admin/schools`);
  await checkA11y(admin, 'admin schools');
  await admin.click('button:has-text("Add the school")');
  await admin.waitForSelector('.govuk-error-summary');
  await checkA11y(admin, 'admin schools with errors');
  await admin.fill('#urn', '200001');
  await admin.fill('#name', 'Hillside Browser School');
  await admin.check('#kind');
  await admin.fill('#address', '1 Hill Road, Demoton DT1 1HH');
  await admin.fill('#email', 'office@hillside.invalid');
  await admin.click('button:has-text("Add the school")');
  await admin.waitForURL(/\/officers\/admin\/schools\/[0-9a-f-]{36}$/);
  await checkA11y(admin, 'admin school');
  await admin.fill('#staff_name', 'Hillside Head');
  await admin.fill('#staff_email', 'head@hillside.invalid');
  await admin.click('button:has-text("Add a staff account")');
  const password = (await admin.textContent('#secret')).trim();
  await checkA11y(admin, 'admin school staff added');

  // The school tells the council a parent intends to home educate.
  const school = await newPage(browser);
  await signIn(school, 'head@hillside.invalid', password, { audit: false, home: '/schools/' });
  await checkA11y(school, 'school home');
  await school.click('text=A parent intends to withdraw a pupil to home educate');
  await school.click('button:has-text("Send to the council")');
  await school.waitForSelector('.govuk-error-summary');
  await checkA11y(school, 'school intention with errors');
  await fillPupil(school);
  await school.fill('#parent1_name', 'Jo Hartley');
  await school.fill('#parent1_phone', '07700 900333');
  const [d, m, y] = todayParts();
  await school.fill('#on_date-day', d);
  await school.fill('#on_date-month', m);
  await school.fill('#on_date-year', y);
  await school.click('button:has-text("Send to the council")');
  await school.waitForURL(/\/schools\/notices\//);
  await checkA11y(school, 'school answer');
  await school.goto(`${BASE}/schools/deletion`);
  await checkA11y(school, 'school deletion return');
  await school.goto(`${BASE}/schools/apply`);
  await checkA11y(school, 'school applies for a parent');

  // The parent applies.
  const parent = await newPage(browser);
  await parentSignIn(parent, 'jo.hartley@example.com');
  const applicationPath = await applyForConsent(parent, (label) => checkA11y(parent, label), { school: 'Hillside Browser School (URN 200001)' });
  const id = applicationPath.split('/').pop();
  await parent.goto(`${BASE}/parents/applications`);
  await checkA11y(parent, 'parent applications');

  // The officer assesses both limbs.
  const officer = await newPage(browser);
  await signIn(officer, 'consent.officer@council.test', process.env.CNIS_CONSENT_OFFICER_PASSWORD, { audit: false });
  await officer.goto(`${BASE}/officers/consent`);
  await checkA11y(officer, 'officer consent list');
  await officer.goto(`${BASE}/officers/consent/${id}`);
  await checkA11y(officer, 'officer application');
  await officer.click('button:has-text("Save the assessment")');
  await officer.waitForSelector('.govuk-error-summary');
  await checkA11y(officer, 'officer assessment with errors');
  await officer.check('#best_interests-1');
  await officer.fill('#best_interests_reasons', 'Attendance has broken down.');
  await officer.fill('#best_interests_evidence', 'Attendance record.');
  await officer.check('#arrangements');
  await officer.fill('#arrangements_reasons', 'A balanced plan.');
  await officer.fill('#arrangements_evidence', 'The plan.');
  await officer.click('button:has-text("Save the assessment")');
  await officer.waitForSelector('text=The assessment is saved');
  await checkA11y(officer, 'officer application assessed');

  // The manager grants consent; the notices are served or queued for post.
  const manager = await newPage(browser);
  await signIn(manager, 'consent.manager@council.test', process.env.CNIS_CONSENT_MANAGER_PASSWORD, { audit: false });
  await manager.goto(`${BASE}/officers/consent/${id}`);
  await manager.click('button:has-text("Continue to check the notices")');
  await manager.waitForSelector('.govuk-error-summary');
  await checkA11y(manager, 'manager decision with errors');
  await manager.check('#decision');
  await manager.fill('#decision_reasons', 'A suitable plan.');
  await manager.click('button:has-text("Continue to check the notices")');
  await manager.waitForSelector('h1:has-text("Check the notices before you serve them")');
  await checkA11y(manager, 'manager checks the notices');
  assert.match(await manager.textContent('main'), /A suitable plan\./);
  await manager.click('button:has-text("Make the decision and serve the notices")');
  await manager.waitForSelector('text=The decision is made');
  await checkA11y(manager, 'manager application decided with service log');

  await parent.goto(`${BASE}${applicationPath}`);
  await parent.waitForSelector('text=Consent granted');

  // The school opens the application and its notice, then sends the deletion return it fills in,
  // on a phone, with JavaScript on and then off.
  for (const scripts of [true, false]) {
    const staff = scripts ? school : await noScriptPage(browser);
    const mode = scripts ? 'JavaScript on' : 'no JavaScript';
    // The same signed-in member of staff, with every script blocked.
    if (!scripts) await staff.context().addCookies(await school.context().cookies());
    await staff.setViewportSize({ width: 320, height: 640 });
    for (const [path, what] of [['/schools/intention', 'intention notice'], ['/schools/apply', 'application for a parent']]) {
      await staff.goto(`${BASE}${path}`);
      await staff.click('button:has-text("Send")');
      await staff.waitForSelector('.govuk-error-summary');
      await checkA11y(staff, `school ${what} with errors at 320px (${mode})`);
      await assertFits(staff, `school ${what}`);
    }
    await staff.goto(`${BASE}/schools/`);
    await checkA11y(staff, `school home after the decision at 320px (${mode})`);
    await assertFits(staff, 'school home');
    await staff.click(`a[href="/schools/applications/${id}"]`);
    await staff.waitForSelector('text=The council has consented');
    await checkA11y(staff, `school application at 320px (${mode})`);
    await assertFits(staff, 'school application');
    assert.ok(await staff.$('a:has-text("Download the notice served on the school (PDF)")'));
    if (scripts) {
      const pdf = await staff.request.get(await staff.getAttribute('a:has-text("Download the notice")', 'href').then((h) => `${BASE}${h}`));
      assert.equal(pdf.headers()['content-type'], 'application/pdf');
    }
    await staff.click('a:has-text("Send a deletion return for this pupil")');
    await staff.waitForURL(/\/schools\/deletion\?application=/);
    await checkA11y(staff, `school deletion return filled in at 320px (${mode})`);
    await assertFits(staff, 'school deletion return');
    assert.equal(await staff.inputValue('#given_names'), 'Robin');
    assert.equal(await staff.inputValue('#ground'), 'f');
    if (scripts) {
      await staff.fill('#parent1_phone', '07700 900333');
      await staff.fill('#on_date-day', d);
      await staff.fill('#on_date-month', m);
      await staff.fill('#on_date-year', y);
      await staff.click('button:has-text("Send to the council")');
      await staff.waitForURL(/\/schools\/notices\//);
      await checkA11y(staff, `school deletion return received at 320px (${mode})`);
      await assertFits(staff, 'school deletion return received');
    }
    await staff.setViewportSize({ width: 1280, height: 800 });
  }

  for (const p of [admin, school, parent, officer, manager]) {
    assert.deepEqual(p.problems.filter((x) => !x.startsWith('Failed to load resource')), []);
  }
});
