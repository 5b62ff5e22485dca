// Drives the signers' web app (/app) in Debian's Chromium through playwright-core,
// playing the signer on a phone and the document system beside it. Started by
// webapp_e2e_test (webapp_e2e_test.cpp) with one JSON file of parameters:
//
//   node mobile_app_e2e.mjs params.json
//
//   {"scenario": "approve_and_reject" | "leader_approves" | "verify" | "smoke",
//    "baseUrl": "https://localhost:PORT", "rootCa": "<root PEM file>",
//    "apiKey": "<the document system's key>", "signer": "<id>", "signerName": "...",
//    "activationCode": "...", "pin": "...", "pdf": "<file>", "field": "<signature field, optional>",
//    "signedPdf", "tamperedPdf", "report": "<where the downloaded report goes>" (verify),
//    "output": "<result JSON file>", "artifacts": "<folder for screenshots: the detail screen, and on failure>"}
//
// Every wait is on a condition with a timeout; nothing sleeps. The result file
// lists the request ids it approved and rejected for the C++ side to check.

import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

import { chromium } from 'playwright-core';

const params = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const rootCa = readFileSync(params.rootCa);
const base = new URL(params.baseUrl);
const WAIT = { timeout: 60_000 };
// The phone the app is designed for.
const SCREEN = { width: 390, height: 844 };

// ---------------------------------------------------------------- checks

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

function equal(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`check failed: ${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

// ---------------------------------------------------------------- the document system

// One HTTPS call to signd, trusting only the test root, as the document system (by default) would.
function api(method, pathAndQuery, body, headers = { Authorization: `Bearer ${params.apiKey}` }) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const request = https.request({
      host: base.hostname, port: base.port, method, path: pathAndQuery, ca: rootCa, servername: base.hostname,
      headers: {
        ...headers,
        Accept: 'application/json',
        ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}),
      },
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: response.statusCode, json, text });
      });
    });
    request.on('error', reject);
    if (data) request.write(data);
    request.end();
  });
}

async function createRequest(displayText, title, extra = {}) {
  const pdf = readFileSync(params.pdf);
  const document = { title, type: 'pdf', content: pdf.toString('base64') };
  if (params.field) document.field = params.field;
  else Object.assign(document, { page: 1, xMm: 120, yMm: 40 });
  const answer = await api('POST', '/api/v1/signature-requests', {
    signer: params.signer, displayText, documents: [document], expiresInSeconds: 600, ...extra,
  });
  equal(answer.status, 201, `POST /signature-requests (${answer.text})`);
  equal(answer.json.documents[0].sha256, createHash('sha256').update(pdf).digest('hex'), 'the request\'s sha256');
  return answer.json;
}

async function requestState(id) {
  const answer = await api('GET', `/api/v1/signature-requests/${id}`);
  equal(answer.status, 200, `GET /signature-requests/${id}`);
  return answer.json.state;
}

// ---------------------------------------------------------------- the browser

// The base64 SHA-256 of signd's TLS public key, for --ignore-certificate-errors-spki-list;
// the chain is verified against the test root first, so only that server is trusted.
function serverSpkiHash() {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: base.hostname, port: Number(base.port), ca: rootCa, servername: base.hostname }, () => {
      const certificate = new X509Certificate(socket.getPeerCertificate().raw);
      socket.end();
      const spki = certificate.publicKey.export({ type: 'spki', format: 'der' });
      resolve(createHash('sha256').update(spki).digest('base64'));
    });
    socket.on('error', reject);
  });
}

// Chromium honours --ignore-certificate-errors-spki-list only with a profile folder of its own,
// so the browser is a persistent context in a fresh temporary folder: a phone's browser.
async function launch(profile) {
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [`--ignore-certificate-errors-spki-list=${await serverSpkiHash()}`, '--no-sandbox'],
    viewport: SCREEN,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
  });
}

async function openApp(context, where = '/app/') {
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  await page.goto(new URL(where, base).href);
  await page.waitForSelector('body[data-ready="true"]', WAIT);
  return { page, problems };
}

async function text(page, selector) {
  return (await page.locator(selector).textContent())?.trim();
}

async function expectMessage(page, code, fragment, where = '#message') {
  await page.waitForSelector(`${where}[data-code="${code}"]:not([hidden])`, WAIT);
  const shown = await text(page, where);
  check(shown.includes(fragment), `message for ${code} says "${fragment}": "${shown}"`);
}

// Where an element is on the screen the person sees now (not the page): {top, bottom}.
async function onScreen(locator) {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return { top: box.top, bottom: box.bottom, height: box.height };
  });
}

async function checkInsideScreen(locator, what) {
  const box = await onScreen(locator);
  check(box.height > 0 && box.top >= 0 && box.bottom <= SCREEN.height,
        `${what} is on the screen (0 to ${SCREEN.height} px): top ${box.top}, bottom ${box.bottom}`);
}

// The instant as a person in Vietnam reads it, worked out here, not by the app.
function vietnamTime(iso, language) {
  const local = new Date(Date.parse(iso) + 7 * 3600 * 1000);
  const two = (n) => String(n).padStart(2, '0');
  const clock = `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`;
  if (language === 'vi') {
    return `${clock}, ${two(local.getUTCDate())}/${two(local.getUTCMonth() + 1)}/${local.getUTCFullYear()} (GMT+7)`;
  }
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][local.getUTCMonth()];
  return `${clock}, ${local.getUTCDate()} ${month} ${local.getUTCFullYear()} (GMT+7)`;
}

// The detail screen at 390 x 844, as a citizen first sees it: what is signed and the PIN field on
// the first screen, nothing wider than the phone, the hashes folded away. Saves a screenshot.
async function checkDetailLayout(page, request, language, result) {
  await page.evaluate(() => window.scrollTo(0, 0));
  equal(await text(page, '#detail-expires'), vietnamTime(request.expiresAt, language), `the deadline in ${language}`);
  await checkInsideScreen(page.locator('#detail-text'), `the display text (${language})`);
  await checkInsideScreen(page.locator('#detail-documents h4').first(), `the first document's name (${language})`);
  await checkInsideScreen(page.locator('#approve-pin'), `the PIN field (${language})`);
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  check(widths.scroll <= widths.inner, `no horizontal overflow in ${language}: ${widths.scroll} > ${widths.inner}`);
  const technical = page.locator('#detail-documents details.technical').first();
  equal(await technical.evaluate((details) => details.open), false, 'the technical details start folded');
  check(!(await page.locator('#detail-documents dd.mono').first().isVisible()), 'the hashes are folded away');
  await screenshot(page, `detail-${language}`, result);
}

// What the phone shows now, saved under the test's folder for a person to look at.
async function screenshot(page, name, result) {
  const file = path.join(params.artifacts, `${name}.png`);
  await page.screenshot({ path: file });
  (result.screenshots ??= []).push(file);
}

// Vietnamese by default; English when toggled, remembered across a reload; and back.
async function languageToggle(page) {
  equal(await page.getAttribute('html', 'lang'), 'vi', 'default language');
  equal(await text(page, '#enrol-heading'), 'Kích hoạt thiết bị', 'Vietnamese heading');
  equal(await text(page, 'label[for="activation-code"]'), 'Mã kích hoạt', 'Vietnamese label');
  await page.click('#lang-toggle');
  equal(await text(page, '#enrol-heading'), 'Activate this device', 'English heading');
  equal(await page.getAttribute('html', 'lang'), 'en', 'English lang attribute');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', WAIT);
  equal(await text(page, '#enrol-heading'), 'Activate this device', 'English remembered after a reload');
  await page.click('#lang-toggle');
  equal(await text(page, '#enrol-heading'), 'Kích hoạt thiết bị', 'back to Vietnamese');
}

async function enrol(page, code) {
  await page.fill('#activation-code', code);
  await page.fill('#enrol-pin', params.pin);
  await page.fill('#enrol-pin2', `${params.pin}0`);
  await page.fill('#device-name', 'Chromium của người ký');
  await page.click('#enrol-submit');
  await expectMessage(page, 'pins_differ', 'Hai mã PIN không khớp');
  await page.fill('#enrol-pin2', params.pin);
  await page.click('#enrol-submit');
  await page.waitForSelector('#screen-pending:not([hidden])', WAIT);
  const signer = await text(page, '#device-signer');
  check(signer.includes(params.signer), `the footer names the signer: ${signer}`);
  const stored = await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('signd-app');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const get = open.result.transaction('device').objectStore('device').get('current');
      get.onsuccess = () => {
        const key = get.result.privateKey;
        resolve({ type: key.type, extractable: key.extractable, curve: key.algorithm.namedCurve, id: get.result.deviceId });
        open.result.close();
      };
    };
  }));
  equal(stored.type, 'private', 'stored key type');
  equal(stored.extractable, false, 'the stored device key is not extractable');
  equal(stored.curve, 'P-256', 'the device key\'s curve');
  check(/^[A-Za-z0-9_-]{22}$/.test(stored.id), `device id ${stored.id}`);
}

// Waits for the request in the pending list and opens it; checks what the detail shows.
async function openRequest(page, request) {
  const item = page.locator(`#request-list button[data-request-id="${request.id}"]`);
  await item.waitFor(WAIT);
  await item.click();
  await page.waitForSelector('#screen-detail:not([hidden])', WAIT);
  equal(await text(page, '#detail-text'), request.displayText, 'display text');
  equal(await text(page, '#detail-signer'), params.signerName, 'the signer by name');
  check((await text(page, '#detail-client')).length > 0, 'the client\'s name is shown');
  equal(await text(page, '#detail-expires'), vietnamTime(request.expiresAt, 'vi'), 'the deadline at +07:00');
  equal(await page.getAttribute('#detail-expires', 'datetime'), request.expiresAt, 'the deadline\'s machine form');
  check(/^\d+:\d\d$/.test(await text(page, '#detail-countdown')), 'a countdown is shown');
  equal(await text(page, '#detail-documents h4'), request.documents[0].title, 'the document\'s name');
  // The hashes the approval signs are one tap away.
  await page.click('#detail-documents details.technical summary');
  const documentText = await text(page, '#detail-documents');
  check(await page.locator('#detail-documents dd.mono').first().isVisible(), 'the technical details open');
  check(documentText.includes(request.documents[0].sha256), 'the document\'s SHA-256 is shown');
  check(documentText.includes(request.documents[0].digest), 'the digest to be signed is shown');
  await page.click('#detail-documents details.technical summary');
  // The first page, fetched with the device header into a blob: URL, decoded by the browser.
  await page.waitForFunction(() => {
    const image = document.querySelector('#detail-documents img.preview');
    return image && !image.hidden && image.src.startsWith('blob:') && image.complete && image.naturalWidth > 100;
  }, null, WAIT);
}

async function approve(page, request, expectedState = 'approved') {
  await page.fill('#approve-pin', params.pin);
  await page.click('#approve');
  await page.waitForSelector('#detail-result:not([hidden])', WAIT);
  equal(await page.getAttribute('#detail-result', 'data-state'), expectedState, 'state after approval');
  equal(await text(page, '#detail-result'), 'Đã ký thành công.', 'approval message');
  equal(await requestState(request.id), 'approved', 'the document system sees it approved');
}

async function backToList(page) {
  await page.click('#detail-back');
  await page.waitForSelector('#screen-pending:not([hidden])', WAIT);
}

// ---------------------------------------------------------------- scenarios

const scenarios = {
  // The app loads under its CSP, and speaks both languages.
  async smoke(browser, result) {
    const { page, problems } = await openApp(browser);
    await languageToggle(page);
    await page.fill('#activation-code', 'signd-activation:AAAA-BBBB-CCCC-DDDD-EEEE');
    await page.fill('#enrol-pin', '1234');
    await page.fill('#enrol-pin2', '1234');
    await page.click('#enrol-submit');
    await page.waitForSelector('#message:not([hidden])', WAIT);
    result.enrolMessage = await text(page, '#message');
    result.problems = problems;
  },

  // Enrol with the QR code's text, approve one PDF (after a wrong PIN), reject another.
  async approve_and_reject(browser, result) {
    const { page, problems } = await openApp(browser);
    await languageToggle(page);
    await enrol(page, `signd-activation:${params.activationCode}`);
    await page.waitForSelector('#pending-empty:not([hidden])', WAIT);

    const first = await createRequest('Ký Quyết định về việc phê duyệt kế hoạch năm 2027', 'Quyết định.pdf');
    await openRequest(page, first);
    await checkDetailLayout(page, first, 'vi', result);
    await page.click('#lang-toggle');
    await checkDetailLayout(page, first, 'en', result);
    await page.click('#lang-toggle');

    // A wrong PIN is said where the eye is, and the PIN field is ready for the next try.
    await page.fill('#approve-pin', `${params.pin}9`);
    await page.click('#approve');
    const attemptsLeft = page.getByText('Còn 4 lần thử');
    await attemptsLeft.waitFor(WAIT);
    await checkInsideScreen(attemptsLeft, 'the wrong-PIN message');
    check(await attemptsLeft.evaluate((element) => element.closest('[aria-live]') !== null), 'the message is announced');
    equal(await page.evaluate(() => document.activeElement?.id), 'approve-pin', 'the focus is back on the PIN field');
    await screenshot(page, 'wrong-pin-vi', result);
    await page.click('#lang-toggle');
    await expectMessage(page, 'wrong_pin', '4 attempt(s) left', '#decision-error');
    equal(await text(page, '#approve'), 'Approve', 'English button');
    await page.click('#lang-toggle');
    equal(await text(page, '#approve'), 'Phê duyệt', 'Vietnamese button');
    equal(await requestState(first.id), 'pending', 'a wrong PIN leaves the request pending');

    await approve(page, first);
    result.approved = first.id;
    await backToList(page);

    const second = await createRequest('Ký Tờ trình về việc mua sắm thiết bị', 'Tờ trình.pdf');
    // A server (or anything between) that shows one digest and asks for a signature over another
    // is refused: the real answer is altered on its way to the page.
    const detailUrl = new URL(`/api/v1/device/signature-requests/${second.id}`, base).href;
    await page.route(detailUrl, async (route) => {
      // Sent on from here, trusting the test root, with the page's device header.
      const answer = await api('GET', new URL(route.request().url()).pathname, undefined,
        { Authorization: route.request().headers().authorization });
      equal(answer.status, 200, `the real detail (${answer.text})`);
      const body = answer.json;
      const digest = body.documents[0].digest;
      body.documents[0].digest = (digest[0] === '0' ? '1' : '0') + digest.slice(1);
      await route.fulfill({ status: 200, json: body });
    });
    const item = page.locator(`#request-list button[data-request-id="${second.id}"]`);
    await item.waitFor(WAIT);
    await item.click();
    await page.waitForSelector('#screen-detail:not([hidden])', WAIT);
    await page.fill('#approve-pin', params.pin);
    await page.click('#approve');
    await expectMessage(page, 'challenge_mismatch', 'không khớp', '#decision-error');
    await page.click('#reject');
    await page.click('#reject-confirm');
    await expectMessage(page, 'challenge_mismatch', 'không khớp', '#decision-error');
    equal(await requestState(second.id), 'pending', 'nothing was signed for an altered request');
    await page.unroute(detailUrl);
    await backToList(page);

    await openRequest(page, second);
    // One tap on "reject" only asks; "no" leaves the request as it was.
    await page.click('#reject');
    await page.waitForSelector('#reject-confirmation:not([hidden])', WAIT);
    await checkInsideScreen(page.locator('#reject-confirm'), 'the confirmation');
    await screenshot(page, 'reject-confirmation-vi', result);
    equal(await requestState(second.id), 'pending', 'one tap on reject rejects nothing');
    await page.click('#reject-cancel');
    await page.locator('#reject-confirmation').waitFor({ state: 'hidden', ...WAIT });
    check(await page.locator('#approve').isVisible(), 'approve is offered again');
    equal(await requestState(second.id), 'pending', 'cancelling the rejection leaves the request pending');
    await page.click('#reject');
    await page.click('#reject-confirm');
    await page.waitForSelector('#detail-result[data-state="rejected"]', WAIT);
    equal(await text(page, '#detail-result'), 'Đã từ chối yêu cầu.', 'rejection message');
    equal(await requestState(second.id), 'rejected', 'the document system sees it rejected');
    result.rejected = second.id;
    await backToList(page);
    result.problems = problems;
  },

  // A citizen with no key checks a sealed PDF, saves the printable report, then checks a copy
  // with one byte changed inside the signed range.
  async verify(browser, result) {
    const { page, problems } = await openApp(browser, '/app/verify');
    equal(await page.getAttribute('html', 'lang'), 'vi', 'default language');
    equal(await text(page, '#verify-title'), 'Kiểm tra chữ ký số', 'Vietnamese title');
    equal(await text(page, 'label[for="signed-file"]'), 'Tệp đã ký', 'the file field is labelled');
    await page.click('#verify-submit');
    await expectMessage(page, 'file_required', 'Hãy chọn tệp');
    equal(await page.getAttribute('#signed-file', 'aria-invalid'), 'true', 'the missing file is marked');

    await page.setInputFiles('#signed-file', params.signedPdf);
    await page.click('#verify-submit');
    await page.waitForSelector('#verdict[data-indication="TOTAL-PASSED"]', WAIT);
    equal(await text(page, '#verdict'), 'Kết luận: hợp lệ', 'the verdict of the sealed PDF');
    check((await text(page, '#notice')).includes('hợp lệ'), 'the outcome is announced (role=status)');
    const signer = await text(page, '#signature-list .signer-name');
    check(signer.includes(params.signerName), `the signer "${params.signerName}" is named: "${signer}"`);
    equal(await page.locator('#signature-list > li').first().locator('dt').count(), 8, 'the seven fields and the format');
    equal(await text(page, '#signature-list > li dt >> nth=4'), '5. Tính toàn vẹn của dữ liệu được ký', 'field 5');
    equal(await text(page, '#signature-list > li dd >> nth=4'), 'toàn vẹn, không bị thay đổi sau khi ký', 'intact');
    const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    check(widths.scroll <= widths.inner, `no horizontal overflow: ${widths.scroll} > ${widths.inner}`);
    await screenshot(page, 'verify-valid-vi', result);

    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.click('#report-download')]);
    check(download.suggestedFilename().endsWith('.pdf'), `a PDF is saved: ${download.suggestedFilename()}`);
    await download.saveAs(params.report);

    await page.click('#lang-toggle');
    equal(await text(page, '#verdict'), 'Verdict: valid', 'the verdict in English');
    equal(await text(page, '#verify-title'), 'Verify a digital signature', 'English title');
    await page.click('#lang-toggle');

    await page.setInputFiles('#signed-file', params.tamperedPdf);
    await page.click('#verify-submit');
    await page.waitForSelector('#verdict[data-indication="TOTAL-FAILED"]', WAIT);
    equal(await text(page, '#verdict'), 'Kết luận: không hợp lệ', 'the verdict of the changed copy');
    equal(await text(page, '#signature-list > li dd >> nth=4'), 'đã bị thay đổi sau khi ký', 'changed after signing');
    await screenshot(page, 'verify-tampered-vi', result);
    result.problems = problems;
  },

  // Decree 30: the leader approves a document with an unsigned signature field.
  async leader_approves(browser, result) {
    const { page, problems } = await openApp(browser);
    await enrol(page, params.activationCode);
    const request = await createRequest('Ký Công văn gửi các sở, ban, ngành', 'Công văn.pdf');
    await openRequest(page, request);
    await approve(page, request);
    result.approved = request.id;
    result.problems = problems;
  },
};

async function main() {
  const scenario = scenarios[params.scenario];
  if (!scenario) throw new Error(`no scenario ${params.scenario}`);
  const profile = mkdtempSync(path.join(os.tmpdir(), 'webapp-e2e-'));
  const browser = await launch(profile);
  const result = { scenario: params.scenario };
  try {
    await scenario(browser, result);
  } catch (error) {
    for (const page of browser.pages()) {
      if (params.artifacts) {
        await page.screenshot({ path: path.join(params.artifacts, `${params.scenario}-failure.png`), fullPage: true })
          .catch(() => {});
      }
      const body = await page.locator('body').innerText().catch(() => '');
      console.error(`page text at the failure:\n${body}`);
    }
    throw error;
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
  writeFileSync(params.output, JSON.stringify(result, null, 1));
  console.log(JSON.stringify(result));
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
