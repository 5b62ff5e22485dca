// The public verification page (/app/verify): anyone picks or drops a signed
// file, signd validates it (POST /app/api/verifications, no key needed) and the
// page shows the verdict and, per signature, the seven fields Circular 15 asks
// for, in the words of the printable report, which it offers for download.

import { STRINGS, applyTexts, formatTime, storedLanguage, toggledLanguage, translate } from '/app/i18n.js';

const ENDPOINT = '/app/api/verifications';

const $ = (id) => document.getElementById(id);

const page = {
  language: 'vi',
  answer: null,     // the last answer of the endpoint
  fileName: '',
  message: null,    // an error, kept to be shown again in another language
  notice: null,     // {key, params}
  reportUrl: null,  // blob URL of the printable report, released when replaced
};

const t = (key, params = {}) => translate(page.language, key, params);
const when = (iso) => (iso ? formatTime(page.language, iso) : t('verify.none'));

// ---------------------------------------------------------------- language

function chooseLanguage() {
  page.language = storedLanguage();
}

function applyLanguage() {
  applyTexts(page.language, 'verify.title');
  renderMessage();
  if (page.answer) renderAnswer();
}

function toggleLanguage() {
  page.language = toggledLanguage(page.language);
  applyLanguage();
}

// ---------------------------------------------------------------- messages

class Problem extends Error {
  constructor(status, body, retryAfter) {
    super(body?.detail || `HTTP ${status}`);
    this.code = body?.code || `http_${status}`;
    this.detail = body?.detail || '';
    this.retryAfter = retryAfter;
  }
}

class LocalError extends Error {
  constructor(code) { super(code); this.code = code; }
}

function errorCode(error) {
  if (error?.code) return error.code;
  return error instanceof TypeError ? 'network' : 'unknown';
}

function errorText(error) {
  const code = errorCode(error);
  if (code === 'rate_limited') return t('error.rate_limited', { n: error.retryAfter ?? 60 });
  if (code !== 'unknown' && STRINGS.vi[`error.${code}`]) return t(`error.${code}`);
  return t('error.unknown', { detail: error?.detail || error?.message || String(error) });
}

function renderMessage() {
  const message = $('message');
  message.hidden = !page.message;
  message.textContent = page.message ? errorText(page.message) : '';
  message.dataset.code = page.message ? errorCode(page.message) : '';
  const notice = $('notice');
  notice.hidden = !page.notice;
  notice.textContent = page.notice ? t(page.notice.key, page.notice.params) : '';
}

function show(error, notice) {
  page.message = error;
  page.notice = notice;
  renderMessage();
}

// ---------------------------------------------------------------- names

// The attributes of an RFC 4514 name as the server wrote it ("CN=A\, B,O=C"), first of each type.
function nameAttributes(rfc4514) {
  const attributes = {};
  let type = '';
  let value = '';
  let inValue = false;
  const flush = () => {
    const key = type.trim().toUpperCase();
    if (key && !(key in attributes)) attributes[key] = value.trim();
    type = '';
    value = '';
    inValue = false;
  };
  for (let i = 0; i < (rfc4514 ?? '').length; ++i) {
    const c = rfc4514[i];
    if (c === '\\' && i + 1 < rfc4514.length) {
      const hex = rfc4514.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        // UTF-8 bytes escaped as \XX: gather the run and decode it whole.
        const bytes = [];
        while (rfc4514[i] === '\\' && /^[0-9A-Fa-f]{2}$/.test(rfc4514.slice(i + 1, i + 3))) {
          bytes.push(parseInt(rfc4514.slice(i + 1, i + 3), 16));
          i += 3;
        }
        --i;
        const text = new TextDecoder().decode(new Uint8Array(bytes));
        if (inValue) value += text; else type += text;
      } else {
        if (inValue) value += rfc4514[i + 1]; else type += rfc4514[i + 1];
        ++i;
      }
    } else if (c === '=' && !inValue) {
      inValue = true;
    } else if ((c === ',' || c === '+') && inValue) {
      flush();
    } else if (inValue) {
      value += c;
    } else {
      type += c;
    }
  }
  if (type) flush();
  return attributes;
}

// "CN (O)", as the printable report names a CA or a TSA.
function shortName(rfc4514) {
  const attributes = nameAttributes(rfc4514);
  const common = attributes.CN ?? rfc4514;
  return attributes.O ? `${common} (${attributes.O})` : common;
}

// ---------------------------------------------------------------- the report

function verdict(indication) {
  return t(`verdict.${indication}`) === `verdict.${indication}` ? t('verdict.INDETERMINATE') : t(`verdict.${indication}`);
}

function signerText(signature) {
  const signer = signature.signer;
  if (!signer) return t('verify.unknown');
  const parts = [signer.commonName || signer.subject];
  for (const identifier of signer.identifiers ?? []) parts.push(t('verify.identifier', { value: identifier }));
  if (signer.title) parts.push(t('verify.signerTitle', { value: signer.title }));
  return parts.join('; ');
}

function unitText(signature) {
  const organization = signature.signer?.organization ?? '';
  const unit = signature.signer?.organizationalUnit ?? '';
  const text = unit ? (organization ? `${unit}, ${organization}` : unit) : organization;
  return text || t('verify.noUnit');
}

function timesText(signature) {
  const claimed = signature.claimedSigningTime ? t('verify.claimed', { time: when(signature.claimedSigningTime) }) : t('verify.none');
  const stamps = (signature.timestamps ?? []).map((stamp) => t('verify.timestamp', {
    time: when(stamp.generationTime),
    state: stamp.valid ? t('verify.timestampValid') : t('verify.timestampInvalid'),
    tsa: stamp.tsa ? t('verify.timestampBy', { tsa: shortName(stamp.tsa) }) : '',
  }));
  return [claimed, ...(stamps.length ? stamps : [t('verify.noTimestamp')])].join('; ');
}

function integrityText(signature) {
  if (signature.integrity === null || signature.integrity === undefined) return t('verify.notChecked');
  return signature.integrity ? t('verify.intact') : t('verify.changed');
}

function validityText(signature) {
  const words = verdict(signature.indication);
  if (!signature.bestSignatureTime) return words;
  return t(signature.bestSignatureTimeProven ? 'verify.asOfProven' : 'verify.asOfValidation',
    { verdict: words, time: when(signature.bestSignatureTime) });
}

function periodText(signature) {
  if (!signature.certificateNotBefore || !signature.certificateNotAfter) return t('verify.unknown');
  return t('verify.period', { from: when(signature.certificateNotBefore), to: when(signature.certificateNotAfter) });
}

// Errors and warnings, in the page's language; information stays in the printable report.
function findingItems(findings) {
  const items = [];
  for (const finding of findings ?? []) {
    if (finding.severity === 'info') continue;
    const item = document.createElement('li');
    item.className = `finding ${finding.severity}`;
    item.dataset.code = finding.code;
    item.textContent = page.language === 'vi' ? finding.messageVi : finding.message;
    items.push(item);
  }
  return items;
}

function fact(list, label, value) {
  const term = document.createElement('dt');
  term.textContent = label;
  const detail = document.createElement('dd');
  detail.textContent = value;
  list.append(term, detail);
  return detail;
}

function signatureItem(signature) {
  const item = document.createElement('li');
  item.className = 'signature';
  item.dataset.indication = signature.indication;
  const heading = document.createElement('h3');
  const technical = signature.subIndication ? `${signature.indication} / ${signature.subIndication}` : signature.indication;
  heading.textContent = `${t('verify.signature', { id: signature.id, verdict: verdict(signature.indication) })} (${technical})`;
  const facts = document.createElement('dl');
  facts.className = 'facts';
  fact(facts, t('verify.field1'), signature.issuer ? shortName(signature.issuer) : t('verify.unknown'));
  fact(facts, t('verify.field2'), signerText(signature)).className = 'signer-name';
  fact(facts, t('verify.field3'), unitText(signature));
  fact(facts, t('verify.field4'), timesText(signature));
  fact(facts, t('verify.field5'), integrityText(signature));
  fact(facts, t('verify.field6'), validityText(signature));
  fact(facts, t('verify.field7'), periodText(signature));
  fact(facts, t('verify.format'), signature.level || signature.format || t('verify.unknown'));
  item.append(heading, facts);
  const notes = findingItems(signature.findings);
  if (notes.length) {
    const title = document.createElement('h4');
    title.textContent = t('verify.notes');
    const list = document.createElement('ul');
    list.className = 'findings';
    list.append(...notes);
    item.append(title, list);
  }
  return item;
}

function renderAnswer() {
  const { answer } = page;
  const report = answer.report;
  const verdictLine = $('verdict');
  verdictLine.dataset.indication = answer.indication;
  verdictLine.textContent = t('verify.verdict', { verdict: verdict(answer.indication) });
  $('result-file').textContent = page.fileName;
  $('result-time').textContent = when(report.validationTime);
  $('result-count').textContent = String(report.signatures.length);
  $('result-evidence').textContent = answer.evidenceId ?? '';
  $('report-findings').replaceChildren(...findingItems(report.findings));
  $('signature-list').replaceChildren(...report.signatures.map(signatureItem));
  $('verify-result').hidden = false;
}

// The printable report the answer carries, offered as a file to save.
function offerReport(base64, fileName) {
  if (page.reportUrl) URL.revokeObjectURL(page.reportUrl);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; ++i) bytes[i] = binary.charCodeAt(i);
  page.reportUrl = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
  const link = $('report-download');
  link.href = page.reportUrl;
  const base = fileName.replace(/\.[^.]*$/, '') || 'tep';
  link.download = `phieu-kiem-tra-${base}.pdf`;
}

// ---------------------------------------------------------------- verifying

async function verify(event) {
  event?.preventDefault();
  const signed = $('signed-file').files[0];
  const detachedDocument = $('document-file').files[0];
  if (!signed) {
    $('signed-file').setAttribute('aria-invalid', 'true');
    show(new LocalError('file_required'), null);
    $('signed-file').focus();
    return;
  }
  $('signed-file').setAttribute('aria-invalid', 'false');
  const button = $('verify-submit');
  button.disabled = true;
  button.dataset.i18n = 'verify.busy';
  button.textContent = t('verify.busy');
  show(null, { key: 'verify.busy' });
  try {
    const form = new FormData();
    form.append('signature', signed, signed.name);
    if (detachedDocument) form.append('document', detachedDocument, detachedDocument.name);
    const response = await fetch(`${ENDPOINT}?language=${page.language}`, {
      method: 'POST', body: form, cache: 'no-store', headers: { Accept: 'application/json' },
    });
    if (!response.ok) {
      let body = null;
      try { body = await response.json(); } catch { /* not JSON */ }
      throw new Problem(response.status, body, response.headers.get('Retry-After'));
    }
    page.answer = await response.json();
    page.fileName = signed.name;
    offerReport(page.answer.pdfReport, signed.name);
    renderAnswer();
    show(null, { key: 'verify.done', params: { verdict: verdict(page.answer.indication) } });
    $('result-heading').focus();
  } catch (error) {
    show(error, null);
  } finally {
    button.disabled = false;
    button.dataset.i18n = 'verify.submit';
    button.textContent = t('verify.submit');
  }
}

// A file dropped anywhere on the box becomes the chosen file, as if picked.
function acceptDrop(event) {
  event.preventDefault();
  $('drop-zone').classList.remove('dragging');
  const files = event.dataTransfer?.files;
  if (!files?.length) return;
  const transfer = new DataTransfer();
  transfer.items.add(files[0]);
  $('signed-file').files = transfer.files;
  show(null, { key: 'verify.dropped', params: { name: files[0].name } });
}

function start() {
  chooseLanguage();
  applyLanguage();
  $('lang-toggle').addEventListener('click', toggleLanguage);
  $('verify-form').addEventListener('submit', verify);
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (event) => { event.preventDefault(); zone.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', acceptDrop);
  $('result-heading').tabIndex = -1;
  document.body.dataset.ready = 'true';
}

start();
