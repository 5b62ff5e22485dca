// The signer's web app: enrols this browser as a device (a non-extractable
// WebCrypto P-256 key kept in IndexedDB), lists the signer's pending requests
// and approves (device key + PIN) or rejects them, as docs/mobile-signing.md
// describes. No framework and no build step: signd serves these files as they are.

import { STRINGS, applyTexts, formatTime, storedLanguage, toggledLanguage, translate } from '/app/i18n.js';

const API = '/api/v1';
const DB_NAME = 'signd-app';
const DB_STORE = 'device';
const DEVICE_KEY = 'current';
// A non-empty list comes back at once; this is how long to wait before asking again.
const NON_EMPTY_REPOLL_MS = 5000;

const $ = (id) => document.getElementById(id);

const app = {
  language: 'vi',
  device: null,        // {deviceId, signer: {id, name}, name, privateKey}
  requests: [],
  current: null,       // the request shown, as GET /device/signature-requests/{id} returned it
  finished: null,      // its final state after a decision
  message: null,       // {error} or {key, params}: kept to be shown again in another language
  decisionError: null, // a failed approval or rejection, shown beside the PIN field
  confirmingReject: false,
  notice: null,
  poll: null,          // AbortController of the pending list's loop
  countdown: null,
  previews: [],        // blob URLs to release when the detail closes
};

// ---------------------------------------------------------------- words

const t = (key, params = {}) => translate(app.language, key, params);

function chooseLanguage() {
  app.language = storedLanguage();
}

function applyLanguage() {
  applyTexts(app.language, 'app.title');
  renderDevice();
  renderMessage();
  if (!$('screen-pending').hidden) renderRequests();
  if (!$('screen-detail').hidden && app.current) renderDetail();
}

function toggleLanguage() {
  app.language = toggledLanguage(app.language);
  applyLanguage();
}

// ---------------------------------------------------------------- bytes

const utf8 = (text) => new TextEncoder().encode(text);

function base64(bytes) {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function base64url(bytes) {
  return base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// ---------------------------------------------------------------- times

const displayTime = (iso) => formatTime(app.language, iso);

// The challenge's form: YYYY-MM-DDTHH:MM:SSZ.
function challengeTime(iso) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new LocalError('challenge_mismatch');
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

function countdownText(expiresAt) {
  const left = Math.floor((Date.parse(expiresAt) - Date.now()) / 1000);
  if (!(left > 0)) return null;
  const minutes = Math.floor(left / 60);
  const seconds = String(left % 60).padStart(2, '0');
  return `${minutes}:${seconds}`;
}

// ---------------------------------------------------------------- errors

// A refusal the app decides itself, named like the server's problem codes.
class LocalError extends Error {
  constructor(code) { super(code); this.code = code; }
}

// An RFC 9457 problem from signd.
class Problem extends Error {
  constructor(status, body) {
    super(body?.detail || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || `http_${status}`;
    this.detail = body?.detail || '';
    this.body = body || {};
  }
}

// The problem code of a failure; a fetch that never reached signd is "network".
function errorCode(error) {
  if (error?.code) return error.code;
  return error instanceof TypeError ? 'network' : 'unknown';
}

function errorText(error) {
  const code = errorCode(error);
  if (code === 'wrong_pin') {
    const left = error.body?.attemptsLeft;
    if (!Number.isInteger(left)) return t('error.wrong_pin_unknown');
    return left === 0 ? t('error.wrong_pin_locked') : t('error.wrong_pin', { n: left });
  }
  if (code !== 'unknown' && STRINGS.vi[`error.${code}`]) return t(`error.${code}`);
  return t('error.unknown', { detail: error?.detail || error?.message || String(error) });
}

function showError(error) {
  app.message = { error };
  renderMessage();
}

function clearMessage() {
  app.message = null;
  renderMessage();
}

function showNotice(key, params) {
  app.notice = key ? { key, params } : null;
  renderMessage();
}

function renderMessage() {
  const decisionError = $('decision-error');
  decisionError.hidden = !app.decisionError;
  decisionError.textContent = app.decisionError ? errorText(app.decisionError) : '';
  decisionError.dataset.code = app.decisionError ? errorCode(app.decisionError) : '';
  $('approve-pin').setAttribute('aria-invalid', String(['wrong_pin', 'pin_required'].includes(decisionError.dataset.code)));
  const message = $('message');
  message.hidden = !app.message;
  message.textContent = app.message ? errorText(app.message.error) : '';
  message.dataset.code = app.message ? errorCode(app.message.error) : '';
  const notice = $('notice');
  notice.hidden = !app.notice;
  notice.textContent = app.notice ? t(app.notice.key, app.notice.params) : '';
}

// ---------------------------------------------------------------- device storage

function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(DB_STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function storeOperation(mode, operate) {
  const database = await openDatabase();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = database.transaction(DB_STORE, mode);
      const request = operate(transaction.objectStore(DB_STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    database.close();
  }
}

const loadDevice = () => storeOperation('readonly', (store) => store.get(DEVICE_KEY));
const saveDevice = (record) => storeOperation('readwrite', (store) => store.put(record, DEVICE_KEY));
const deleteDevice = () => storeOperation('readwrite', (store) => store.delete(DEVICE_KEY));

// ---------------------------------------------------------------- HTTP

async function problemOf(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  return new Problem(response.status, body);
}

async function postJson(path, body, headers = {}) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: JSON.stringify(body),
    cache: 'no-store',
  });
  if (!response.ok) throw await problemOf(response);
  return response.json();
}

// Authorization: Device <id>.<ms>.<signature> over the method and the path and query as sent.
async function deviceAuthorization(method, pathAndQuery) {
  const { deviceId, privateKey } = app.device;
  const now = String(Date.now());
  const text = `signd-device-auth-v1\n${deviceId}\n${now}\n${method}\n${pathAndQuery}\n`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, utf8(text));
  return `Device ${deviceId}.${now}.${base64url(signature)}`;
}

async function deviceFetch(method, pathAndQuery, { body, signal } = {}) {
  const headers = { Authorization: await deviceAuthorization(method, pathAndQuery) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(pathAndQuery, {
    method, headers, signal, cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const problem = await problemOf(response);
    if (problem.code === 'device_revoked') await deviceRevoked(problem);
    throw problem;
  }
  return response;
}

// A revoked device can do nothing more: its key is dropped and enrolment shown again.
async function deviceRevoked(problem) {
  stopPolling();
  app.device = null;
  await deleteDevice();
  showScreen('enrol');
  renderDevice();
  showError(problem);
}

// ---------------------------------------------------------------- screens

function showScreen(name) {
  for (const screen of ['enrol', 'pending', 'detail']) $(`screen-${screen}`).hidden = screen !== name;
  if (name !== 'detail') closeDetail();
}

function renderDevice() {
  const footer = $('device-info');
  footer.hidden = !app.device;
  if (!app.device) return;
  $('device-signer').textContent = t('device.signer', { name: `${app.device.signer.name} (${app.device.signer.id})` });
  $('device-id').textContent = app.device.deviceId;
}

// ---------------------------------------------------------------- enrolment

// The bare code, from what was typed or the QR code's "signd-activation:<code>".
function activationCode(text) {
  const trimmed = text.trim();
  const prefix = 'signd-activation:';
  return trimmed.toLowerCase().startsWith(prefix) ? trimmed.slice(prefix.length).trim() : trimmed;
}

async function enrol(event) {
  event.preventDefault();
  clearMessage();
  showNotice(null);
  const code = activationCode($('activation-code').value);
  const pin = $('enrol-pin').value;
  const name = $('device-name').value.trim();
  try {
    if (pin !== $('enrol-pin2').value) throw new LocalError('pins_differ');
    if ([...pin].length < 4) throw new LocalError('pin_too_short');
    if ([...pin].length > 64) throw new LocalError('pin_too_long');
    if (!code) throw new LocalError('activation_code_invalid');
    if (!window.crypto?.subtle) throw new LocalError('no_webcrypto');
    setBusy($('enrol-submit'), true, 'enrol.busy');
    // Non-extractable: the private key never leaves the browser's key store, even for this script.
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const spki = await crypto.subtle.exportKey('spki', keys.publicKey);
    const answer = await postJson(`${API}/devices`, { activationCode: code, publicKey: base64(spki), pin, name });
    const record = { deviceId: answer.deviceId, signer: answer.signer, name, privateKey: keys.privateKey };
    await saveDevice(record);
    app.device = record;
    $('enrol-form').reset();
    renderDevice();
    showNotice('enrol.done', { name: answer.signer.name });
    showPending();
  } catch (error) {
    showError(error);
  } finally {
    setBusy($('enrol-submit'), false, 'enrol.submit');
  }
}

function setBusy(button, busy, key) {
  button.disabled = busy;
  button.dataset.i18n = key;
  button.textContent = t(key);
}

// ---------------------------------------------------------------- pending list

function stopPolling() {
  app.poll?.abort();
  app.poll = null;
}

function showPending() {
  showScreen('pending');
  renderRequests();
  stopPolling();
  const controller = new AbortController();
  app.poll = controller;
  pollLoop(controller.signal);
}

function pause(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

// Long-polls while the list is empty (the server answers as soon as one arrives); a list with
// requests comes back at once, so it is asked for again after a pause.
async function pollLoop(signal) {
  let failures = 0;
  while (!signal.aborted && app.device) {
    try {
      const wait = app.requests.length ? '' : '?wait=25';
      const response = await deviceFetch('GET', `${API}/device/signature-requests${wait}`, { signal });
      const body = await response.json();
      if (signal.aborted) return;
      app.requests = body.requests || [];
      failures = 0;
      if (app.message && errorCode(app.message.error) === 'network') clearMessage();
      renderRequests();
      // A busy server answers at once with Retry-After instead of holding the poll.
      const retryAfter = Number(response.headers.get('Retry-After'));
      if (retryAfter > 0) await pause(1000 * retryAfter, signal);
      else if (app.requests.length) await pause(NON_EMPTY_REPOLL_MS, signal);
    } catch (error) {
      if (signal.aborted) return;
      if (error?.code === 'device_revoked') return;
      showError(error);
      failures += 1;
      await pause(Math.min(30000, 1000 * 2 ** failures), signal);
    }
  }
}

function renderRequests() {
  const list = $('request-list');
  list.replaceChildren();
  $('pending-empty').hidden = app.requests.length > 0;
  for (const request of app.requests) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'request';
    button.dataset.requestId = request.id;
    const text = document.createElement('span');
    text.className = 'request-text';
    text.textContent = request.displayText;
    const meta = document.createElement('span');
    meta.className = 'request-meta';
    meta.textContent = `${t('pending.documents', { n: request.documents?.length ?? 0 })} · ` +
      `${t('pending.expires')} ${displayTime(request.expiresAt)}`;
    button.append(text, meta);
    button.addEventListener('click', () => openRequest(request.id));
    item.append(button);
    list.append(item);
  }
}

// ---------------------------------------------------------------- one request

async function openRequest(id) {
  clearMessage();
  showNotice(null);
  stopPolling();
  try {
    const response = await deviceFetch('GET', `${API}/device/signature-requests/${encodeURIComponent(id)}`);
    app.current = await response.json();
    app.finished = null;
    showScreen('detail');
    $('approve-pin').value = '';
    renderDetail();
    startCountdown();
    loadPreviews();
  } catch (error) {
    showError(error);
    if (app.device) showPending();
  }
}

function closeDetail() {
  clearInterval(app.countdown);
  app.countdown = null;
  for (const url of app.previews) URL.revokeObjectURL(url);
  app.previews = [];
  app.current = null;
  app.finished = null;
  app.decisionError = null;
  app.confirmingReject = false;
}

function fact(id, text) { $(id).textContent = text; }

function renderDetail() {
  const request = app.current;
  fact('detail-text', request.displayText);
  fact('detail-client', request.clientName || '');
  fact('detail-signer', request.signerName || request.signer);
  fact('detail-expires', displayTime(request.expiresAt));
  $('detail-expires').dateTime = request.expiresAt;
  renderCountdown();

  const list = $('detail-documents');
  const previews = new Map([...list.querySelectorAll('img.preview')].map((img) => [img.dataset.index, img]));
  const opened = new Set([...list.querySelectorAll('details[open]')].map((details) => details.dataset.index));
  list.replaceChildren();
  for (const document_ of sortedDocuments(request)) {
    list.append(documentItem(document_, previews.get(String(document_.index)), opened.has(String(document_.index))));
  }

  const decided = app.finished !== null;
  $('decision-form').hidden = decided || request.state !== 'pending';
  $('decision-actions').hidden = app.confirmingReject;
  $('reject-confirmation').hidden = !app.confirmingReject;
  const result = $('detail-result');
  result.hidden = !decided;
  if (decided) {
    const final = app.finished;
    result.dataset.state = final.state;
    if (final.state === 'approved') result.textContent = t('detail.approved');
    else if (final.state === 'rejected') result.textContent = t('detail.rejected');
    else if (final.state === 'failed') result.textContent = t('detail.failed', { detail: final.error?.detail || final.error?.code || '' });
    else result.textContent = t('detail.state', { state: t(`state.${final.state}`) });
  }
}

// One document as a citizen reads it: its name, what kind of file, the first page; the hashes
// the approval signs stay one tap away, under "technical details".
function documentItem(document_, image, open) {
  const item = document.createElement('li');
  item.className = 'document';
  item.dataset.index = document_.index;
  const title = document.createElement('h4');
  title.textContent = document_.title;
  const type = document.createElement('p');
  type.className = 'document-type';
  type.textContent = t(`type.${document_.type}`) === `type.${document_.type}` ? document_.type : t(`type.${document_.type}`);
  item.append(title, type);
  if (document_.type === 'pdf') {
    if (!image) {
      image = document.createElement('img');
      image.className = 'preview';
      image.dataset.index = document_.index;
      image.hidden = true;
      image.tabIndex = 0;
      image.setAttribute('role', 'button');
      const toggle = () => {
        image.classList.toggle('expanded');
        image.setAttribute('aria-expanded', String(image.classList.contains('expanded')));
      };
      image.addEventListener('click', toggle);
      image.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); toggle(); }
      });
      image.setAttribute('aria-expanded', 'false');
    }
    image.alt = t('detail.preview', { title: document_.title });
    image.title = t('detail.previewShow', { title: document_.title });
    item.append(image);
  }
  const details = document.createElement('details');
  details.className = 'technical';
  details.dataset.index = document_.index;
  details.open = open;
  const summary = document.createElement('summary');
  summary.textContent = t('detail.technical');
  const facts = document.createElement('dl');
  const add = (label, value) => {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dd.className = 'mono';
    facts.append(dt, dd);
  };
  add(t('detail.sha256'), document_.sha256);
  add(t('detail.digest', { alg: document_.digestAlgorithm }), document_.digest);
  details.append(summary, facts);
  item.append(details);
  return item;
}

function renderCountdown() {
  if (!app.current) return;
  const left = countdownText(app.current.expiresAt);
  fact('detail-countdown', left ?? t('detail.expired'));
  const expired = left === null;
  for (const id of ['approve', 'reject', 'reject-confirm']) $(id).disabled = expired;
}

function startCountdown() {
  clearInterval(app.countdown);
  app.countdown = setInterval(renderCountdown, 1000);
}

async function loadPreviews() {
  const request = app.current;
  for (const document_ of sortedDocuments(request)) {
    if (document_.type !== 'pdf') continue;
    try {
      const path = `${API}/device/signature-requests/${encodeURIComponent(request.id)}/documents/${document_.index}/preview`;
      const response = await deviceFetch('GET', path);
      const url = URL.createObjectURL(await response.blob());
      if (app.current !== request) { URL.revokeObjectURL(url); return; }
      app.previews.push(url);
      const image = document.querySelector(`#detail-documents img.preview[data-index="${document_.index}"]`);
      if (image) {
        image.src = url;
        image.hidden = false;
      }
    } catch (error) {
      if (app.current === request && error?.code !== 'no_preview') showError(error);
    }
  }
}

function sortedDocuments(request) {
  return [...(request.documents || [])].sort((a, b) => a.index - b.index);
}

// The approval challenge rebuilt from the fields this screen shows (docs/mobile-signing.md).
// Anything that could not be written unambiguously on its line is refused.
function approvalChallenge(request, decision) {
  const plain = (value) => {
    if (typeof value !== 'string' || value === '' || /[\s]/.test(value)) throw new LocalError('challenge_mismatch');
    return value;
  };
  const hex = (value) => {
    if (typeof value !== 'string' || !/^[0-9a-f]+$/.test(value)) throw new LocalError('challenge_mismatch');
    return value;
  };
  const documents = sortedDocuments(request);
  const lines = [
    'signd-approval-v1',
    `decision:${decision}`,
    `request:${plain(request.id)}`,
    `signer:${plain(request.signer)}`,
    `expires:${challengeTime(request.expiresAt)}`,
    `nonce:${plain(request.nonce)}`,
    `documents:${documents.length}`,
  ];
  documents.forEach((document_, position) => {
    if (document_.index !== position) throw new LocalError('challenge_mismatch');
    lines.push(`${document_.index} ${plain(document_.digestAlgorithm)} ${hex(document_.digest)} ${hex(document_.sha256)}`);
  });
  return lines.map((line) => `${line}\n`).join('');
}

// Signs the decision after checking that the server's challenge says exactly what is shown.
async function decisionSignature(request, decision) {
  if (approvalChallenge(request, 'approve') !== request.approvalChallenge) throw new LocalError('challenge_mismatch');
  const challenge = approvalChallenge(request, decision);
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, app.device.privateKey, utf8(challenge));
  return base64url(signature);
}

// A failed decision is shown right under the PIN field, where the citizen is looking, and the
// PIN field gets the focus back: a wrong PIN must never look like nothing happened.
function showDecisionError(error) {
  app.decisionError = error;
  renderMessage();
  if (['wrong_pin', 'pin_required'].includes(errorCode(error))) $('approve-pin').focus({ preventScroll: true });
  $('decision-error').scrollIntoView({ block: 'center', behavior: 'instant' });
}

function clearDecisionError() {
  app.decisionError = null;
  renderMessage();
}

// Rejecting cannot be undone: the first tap only asks.
function askToReject() {
  clearDecisionError();
  app.confirmingReject = true;
  renderDetail();
  $('reject-cancel').focus();
}

function cancelReject() {
  app.confirmingReject = false;
  renderDetail();
  $('reject').focus();
}

async function decide(decision) {
  const request = app.current;
  if (!request) return;
  clearMessage();
  clearDecisionError();
  const pinField = $('approve-pin');
  const buttons = [$('approve'), $('reject'), $('reject-confirm'), $('reject-cancel')];
  try {
    const body = {};
    if (decision === 'approve') {
      if (!pinField.value) throw new LocalError('pin_required');
      body.pin = pinField.value;
    }
    body.signature = await decisionSignature(request, decision);
    for (const button of buttons) button.disabled = true;
    showNotice('detail.busy');
    const path = `${API}/device/signature-requests/${encodeURIComponent(request.id)}/${decision}`;
    const response = await deviceFetch('POST', path, { body });
    const final = await response.json();
    if (app.current !== request) return;
    app.finished = final;
    app.confirmingReject = false;
    renderDetail();
  } catch (error) {
    if (app.current === request) {
      app.confirmingReject = false;
      renderDetail();
      showDecisionError(error);
    } else {
      showError(error);
    }
  } finally {
    pinField.value = '';
    showNotice(null);
    $('reject-cancel').disabled = false;
    if (app.current === request) renderCountdown();
  }
}

// ---------------------------------------------------------------- start

async function forgetDevice() {
  if (!confirm(t('device.forgetConfirm'))) return;
  stopPolling();
  await deleteDevice();
  app.device = null;
  app.requests = [];
  clearMessage();
  showNotice(null);
  renderDevice();
  showScreen('enrol');
}

async function start() {
  chooseLanguage();
  $('lang-toggle').addEventListener('click', toggleLanguage);
  $('enrol-form').addEventListener('submit', enrol);
  $('decision-form').addEventListener('submit', (event) => { event.preventDefault(); decide('approve'); });
  $('reject').addEventListener('click', askToReject);
  $('reject-confirm').addEventListener('click', () => decide('reject'));
  $('reject-cancel').addEventListener('click', cancelReject);
  $('detail-back').addEventListener('click', () => { clearMessage(); showNotice(null); showPending(); });
  $('device-forget').addEventListener('click', forgetDevice);
  applyLanguage();
  $('device-name').value = t('enrol.nameDefault');
  try {
    app.device = (await loadDevice()) || null;
  } catch (error) {
    showError(error);
  }
  renderDevice();
  if (app.device) showPending();
  else showScreen('enrol');
  document.body.dataset.ready = 'true';
}

start();
