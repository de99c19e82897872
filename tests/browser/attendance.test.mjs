// School attendance orders in a real browser: an administrator keeps the term calendar, an officer
// opens a case under ss.436H–436Q and serves the preliminary notice, a manager reads the deadlines.
// Every page, and every page with errors, is checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, noScriptPage, checkA11y, signIn, parentSignIn, assertFits } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function todayParts() {
  const d = new Date();
  return [String(d.getDate()), String(d.getMonth() + 1), String(d.getFullYear())];
}

test('school attendance: term calendar, a new case, its notice and the deadlines', async () => {
  const admin = await newPage(browser);
  await signIn(admin, 'sao.admin@council.test', process.env.CNIS_SAO_ADMIN_PASSWORD, { audit: false });
  await admin.goto(`${BASE}/officers/admin/calendars`);
  await admin.waitForURL(/calendars\/council$/);
  await checkA11y(admin, 'term calendar');
  await admin.click('button:has-text("Add the dates")');
  await admin.waitForSelector('.govuk-error-summary');
  await checkA11y(admin, 'term calendar with errors');
  await admin.check('#kind');
  await admin.fill('#name', 'Autumn term 2027');
  for (const [id, v] of [['starts_on', ['1', '9', '2027']], ['ends_on', ['17', '12', '2027']]]) {
    await admin.fill(`#${id}-day`, v[0]);
    await admin.fill(`#${id}-month`, v[1]);
    await admin.fill(`#${id}-year`, v[2]);
  }
  await admin.click('button:has-text("Add the dates")');
  await admin.waitForSelector('text=The dates are added');
  await checkA11y(admin, 'term calendar added');
  await admin.fill('#csv', 'school_urn,kind,starts_on,ends_on,name\n,holiday,2027-10-25,2027-10-29,Half term\n');
  await admin.click('button:has-text("Import")');
  await admin.waitForSelector('.govuk-error-summary');
  assert.match(await admin.textContent('.govuk-error-summary'), /Line 2: kind must be term or closed/);
  await checkA11y(admin, 'term calendar import with errors');

  // The officer finds a child of compulsory school age with no open case.
  const officer = await newPage(browser);
  await signIn(officer, 'sao.officer@council.test', process.env.CNIS_SAO_OFFICER_PASSWORD, { audit: false });
  await officer.goto(`${BASE}/officers/attendance`);
  await checkA11y(officer, 'attendance deadlines (officer)');
  await officer.goto(`${BASE}/officers/register`);
  const links = await officer.$$eval('a[href^="/officers/children/"]', (as) => as.map((a) => a.getAttribute('href')));
  let child;
  for (const href of links.filter((h) => /children\/[0-9a-f-]{36}$/.test(h))) {
    await officer.goto(`${BASE}${href}`);
    const body = await officer.textContent('main');
    if (body.includes('Open a school attendance case') && !body.includes('does not meet condition B')) {
      child = href;
      break;
    }
  }
  assert.ok(child, 'a child to open a case for');
  await officer.click('text=Open a school attendance case');
  await officer.waitForURL(/\/attendance$/);
  await checkA11y(officer, 'open a case');
  await officer.fill('#response_days', '10');
  await officer.click('button:has-text("Open the case")');
  await officer.waitForSelector('.govuk-error-summary');
  await checkA11y(officer, 'open a case with errors');
  await officer.check('#condition_A');
  await officer.fill('#grounds', 'No evidence of education since September.');
  await officer.fill('#response_days', '15');
  await officer.click('button:has-text("Open the case")');
  await officer.waitForSelector('text=The case is open');
  await checkA11y(officer, 'attendance case opened');
  assert.match(await officer.textContent('main'), /s\.436H\(10\)\(b\)/);

  // Deciding before any notice is refused, naming why.
  await officer.click('text=Record a request to see the child at home');
  await officer.click('button:has-text("Record the home-visit request")');
  await officer.waitForSelector('.govuk-error-summary');
  await checkA11y(officer, 'home-visit request with errors');

  await officer.click('button:has-text("Serve the preliminary notice")');
  await officer.waitForSelector('text=The notice is served or waiting to be posted');
  await checkA11y(officer, 'preliminary notice served');
  await officer.click('button:has-text("Record the decision")');
  await officer.waitForSelector('.govuk-error-summary');
  await checkA11y(officer, 'decision refused before service');
  // Each parent's copy is posted; the parent's period starts once every copy is served.
  const [d, m, y] = todayParts();
  while (await officer.$('#document_id')) {
    await officer.check('#method');
    await officer.fill('#served_date-day', d);
    await officer.fill('#served_date-month', m);
    await officer.fill('#served_date-year', y);
    await officer.fill('#service_note', 'Post room ref PR-77');
    await officer.click('button:has-text("Record the service")');
    await officer.waitForSelector('text=The service is recorded');
  }
  await checkA11y(officer, 'service recorded with dates');
  assert.match(await officer.textContent('main'), /days beginning with the day of service — s\.436H\(10\)\(c\)/);

  // The manager sees every open case, with the demo's cases under today's law.
  const manager = await newPage(browser);
  await signIn(manager, 'sao.manager@council.test', process.env.CNIS_SAO_MANAGER_PASSWORD, { audit: false });
  await manager.goto(`${BASE}/officers/attendance`);
  await checkA11y(manager, 'attendance deadlines (manager)');
  assert.match(await manager.textContent('main'), /All open cases/);
  assert.match(await manager.textContent('main'), /Notice under s\.437\(1\)/);
});

for (const scripts of [true, false]) {
  const mode = scripts ? 'JavaScript on' : 'no JavaScript';
  test(`a parent on a phone reads the notice served on them and answers it (${mode})`, async () => {
    const email = process.env.CNIS_NOTICE_PARENT;
    assert.ok(email, 'the demo names a parent with a preliminary notice to answer');
    const page = scripts ? await newPage(browser) : await noScriptPage(browser);
    await page.setViewportSize({ width: 320, height: 640 });
    const audit = async (label) => {
      await checkA11y(page, `${label} at 320px (${mode})`);
      await assertFits(page, label);
    };
    await parentSignIn(page, email);
    await page.goto(`${BASE}/parents/children`);
    await audit('parent children with a notice');
    const links = await page.$$eval('main a[href^="/parents/children/"]', (as) => as.map((a) => a.getAttribute('href')));
    let child;
    for (const href of links.filter((h) => /children\/[0-9a-f-]{36}$/.test(h))) {
      await page.goto(`${BASE}${href}`);
      if (await page.$('a:has-text("Respond to the preliminary notice")')) {
        child = href;
        break;
      }
    }
    assert.ok(child, 'a child with a preliminary notice to answer');
    await audit('child with a preliminary notice');
    assert.match(await page.textContent('main'), /You have until/);
    // Posted today, it counts as given some working days later: said so, not "given" in the future.
    assert.match(await page.textContent('main'), /Posted to you\. The law treats it as given to you on/);
    const pdf = await page.getAttribute('a[href*="/notices/"]', 'href');
    const r = await page.request.get(`${BASE}${pdf}`);
    assert.equal(r.headers()['content-type'], 'application/pdf');
    await page.click('a:has-text("Respond to the preliminary notice")');
    await page.waitForURL(/\/respond$/);
    await audit('respond to the preliminary notice');
    await page.click('button:has-text("Send your response")');
    await page.waitForSelector('.govuk-error-summary');
    await audit('respond to the preliminary notice with errors');
    await page.fill('#response', 'We follow a structured plan each morning: maths, English and science, with a weekly museum visit.');
    await page.click('button:has-text("Send your response")');
    await page.waitForURL(/done=response$/);
    await audit('response sent');
    assert.match(await page.textContent('main'), /You sent your response on/);
    assert.deepEqual(page.problems.filter((p) => !p.startsWith('Failed to load resource')), []);
  });
}
