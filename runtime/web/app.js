// The analysts' page: paste or drop descriptions, read the ranked HS codes, record the right one.
// Plain browser JavaScript with no build step; user text only ever reaches the page as textContent.

/**
 * @typedef {{ hs6: string, hs4: string, hs2: string, probability: number, description: string,
 *   headingDescription: string, chapterDescription: string }} Candidate
 * @typedef {{ start: number, end: number }} Span  UTF-16 offsets into the description as sent
 * @typedef {{ word: string, weight: number, spans: Span[], readAs?: string }} WordWeight
 * @typedef {{ predictionId: string, variant: string, modelVersion: string, modelSha256: string,
 *   needsReview: boolean, candidates: Candidate[], explanation?: WordWeight[] }} Prediction
 * @typedef {{ text: string, line: number }} Item  a description and its line in the textarea
 */

/** The API's limit of descriptions per request; longer lists go in several requests. */
const MAX_PER_REQUEST = 256;
const TOP_K = 5;

/** Sent as the routing key, so one analyst's session is answered by one model. */
const sessionKey = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
  b.toString(16).padStart(2, '0'),
).join('');

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($('classify-form'));
const textarea = /** @type {HTMLTextAreaElement} */ ($('descriptions'));
const fileInput = /** @type {HTMLInputElement} */ ($('csv-file'));
const explainBox = /** @type {HTMLInputElement} */ ($('explain'));
const classifyButton = /** @type {HTMLButtonElement} */ ($('classify'));
const dropZone = $('drop-zone');
const errorBox = $('error');
const statusLine = $('status');
const results = $('results');
const modelInfo = $('model-info');
const cardTemplate = /** @type {HTMLTemplateElement} */ ($('card-template'));

class ApiError extends Error {
  /** @param {string} message @param {string} [code] @param {string} [field] */
  constructor(message, code, field) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/** Where the analyst's key is kept: this tab only, gone when it closes. */
const KEY_STORAGE = 'hscode.analystKey';

/** The analyst's API key, asked for once per tab (feedback needs one; predictions do not). */
function analystKey() {
  let key = sessionStorage.getItem(KEY_STORAGE);
  if (!key) {
    key = (
      window.prompt('Your analyst API key (from "hscode keys add <your name>"), to record corrections:') ?? ''
    ).trim();
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
  }
  return key;
}

/** Calls the API; a refusal becomes an ApiError carrying the server's own sentence. */
/** @param {string} path @param {unknown} [body] without one, a GET @param {string | null} [key] */
async function api(path, body, key) {
  const init =
    body === undefined
      ? {}
      : {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body: JSON.stringify(body),
        };
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError('The service cannot be reached. Check your connection and try again.');
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = data && data.error;
    if (response.status === 401) {
      // A wrong or revoked key is forgotten, so the next correction asks again.
      sessionStorage.removeItem(KEY_STORAGE);
      throw new ApiError(
        `Corrections need your analyst API key, and this one was refused (${(error && error.message) || 'unauthenticated'}). Ask for a key ("hscode keys add <your name>") and enter it when asked.`,
        error && error.code,
      );
    }
    throw new ApiError(
      (error && error.message) || `The service answered ${response.status} ${response.statusText}.`,
      error && error.code,
      error && error.field,
    );
  }
  return data;
}

const dotted = (/** @type {string} */ hs6) => `${hs6.slice(0, 4)}.${hs6.slice(4)}`;
const percent = (/** @type {number} */ p) => (p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(1)}%`);

/** @param {string} tag @param {string} [className] @param {string} [text] */
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function showError(/** @type {string} */ message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

function clearError() {
  errorBox.textContent = '';
  errorBox.hidden = true;
}

// ---- CSV ---------------------------------------------------------------------------------------

/** Rows of a simple CSV: quoted fields may hold delimiters, newlines and doubled quotes. */
function parseCsv(/** @type {string} */ raw) {
  const text = raw.replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  // Spreadsheets in many European locales save with semicolons.
  const delimiter = firstLine.split(';').length > firstLine.split(',').length ? ';' : ',';
  /** @type {string[][]} */
  const rows = [];
  /** @type {string[]} */
  let row = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else field += c;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** The `description` column when the header names one, else the first column of every row. */
function descriptionsFromCsv(/** @type {string} */ text) {
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((cell) => cell.trim().toLowerCase());
  const column = header.indexOf('description');
  const cells = column >= 0 ? rows.slice(1).map((r) => r[column] ?? '') : rows.map((r) => r[0] ?? '');
  return cells.map((cell) => cell.replace(/\s+/g, ' ').trim()).filter((cell) => cell !== '');
}

// ---- Explanation highlights --------------------------------------------------------------------

/** A weight is a change of probability: shown in percentage points, unsigned when it rounds to 0. */
function signedPoints(/** @type {number} */ weight) {
  const points = Math.abs(weight * 100).toFixed(1);
  return `${points === '0.0' ? '' : weight > 0 ? '+' : '−'}${points} pts`;
}

/** The model's number tokens in words: "<num3>" is any 3-digit number. */
const readableWord = (/** @type {string} */ word) => word.replace(/^<num(\d)>$/, '$1-digit number');

/**
 * The weight that marks each character: the strongest of the explained words whose spans cover it.
 * The service says where each word came from, so the page never re-implements its normalisation.
 */
function characterWeights(/** @type {string} */ text, /** @type {WordWeight[]} */ explanation) {
  /** @type {(number | undefined)[]} */
  const weights = new Array(text.length).fill(undefined);
  for (const { weight, spans } of explanation) {
    for (const { start, end } of spans) {
      for (let i = Math.max(0, start); i < Math.min(end, text.length); i++) {
        const current = weights[i];
        if (current === undefined || Math.abs(weight) > Math.abs(current)) weights[i] = weight;
      }
    }
  }
  return weights;
}

/** The description with each explained word marked, four shades by its weight's strength. */
function highlightedText(/** @type {string} */ text, /** @type {WordWeight[]} */ explanation) {
  const strongest = Math.max(...explanation.map(({ weight }) => Math.abs(weight)), 0);
  const shown = explanation.filter(({ weight }) => strongest > 0 && Math.abs(weight) / strongest >= 0.05);
  const weights = characterWeights(text, shown);
  const fragment = document.createDocumentFragment();
  let start = 0;
  while (start < text.length) {
    const weight = weights[start];
    let end = start + 1;
    while (end < text.length && weights[end] === weight) end++;
    const piece = text.slice(start, end);
    if (weight === undefined) {
      fragment.append(piece);
    } else {
      const level = Math.min(4, Math.ceil((Math.abs(weight) / strongest) * 4));
      const mark = element('mark', `hl ${weight > 0 ? `hl-${level}` : 'hl-neg'}`, piece);
      mark.title = `${signedPoints(weight)} for the top code`;
      fragment.append(mark);
    }
    start = end;
  }
  return fragment;
}

// ---- Result cards ------------------------------------------------------------------------------

/** One candidate as a button: choosing it records it as the correct code. */
function candidateButton(/** @type {Candidate} */ c) {
  const button = /** @type {HTMLButtonElement} */ (element('button', 'candidate'));
  button.type = 'button';
  button.dataset.hs6 = c.hs6;
  button.setAttribute('aria-pressed', 'false');
  button.title = `${dotted(c.hs6)}: ${c.description}\nHeading ${c.hs4}: ${c.headingDescription}\nChapter ${c.hs2}: ${c.chapterDescription}`;
  const top = element('span', 'candidate-top');
  top.append(
    element('span', 'visually-hidden', 'Mark as correct: '),
    element('span', 'code', dotted(c.hs6)),
    element('span', 'description', c.description),
    element('span', 'probability', percent(c.probability)),
  );
  const bar = element('span', 'bar');
  bar.setAttribute('aria-hidden', 'true');
  const fill = element('span', 'bar-fill');
  fill.style.width = `${Math.max(0, Math.min(1, c.probability)) * 100}%`;
  bar.append(fill);
  const context = element(
    'span',
    'context',
    `${c.hs4} ${c.headingDescription} · Ch. ${c.hs2} ${c.chapterDescription}`,
  );
  button.append(top, bar, context);
  return button;
}

/** @param {HTMLElement} card @param {Prediction} prediction @param {string} code */
async function sendFeedback(card, prediction, code) {
  const result = /** @type {HTMLElement} */ (card.querySelector('.feedback-result'));
  const note = /** @type {HTMLInputElement} */ (card.querySelector('.feedback-note')).value.trim();
  const buttons = card.querySelectorAll('button');
  buttons.forEach((b) => (b.disabled = true));
  result.className = 'feedback-result';
  result.textContent = 'Sending…';
  try {
    await api(
      '/v1/feedback',
      { predictionId: prediction.predictionId, hs6: code, ...(note ? { note } : {}) },
      analystKey(),
    );
    const digits = code.replace(/\D/g, '').slice(0, 6);
    card.querySelectorAll('.candidate').forEach((b) => {
      const chosen = /** @type {HTMLElement} */ (b).dataset.hs6 === digits;
      b.classList.toggle('chosen', chosen);
      b.setAttribute('aria-pressed', String(chosen));
    });
    result.classList.add('ok');
    result.textContent = `Recorded ${digits.length === 6 ? dotted(digits) : code} as the correct code. Thank you.`;
  } catch (err) {
    result.classList.add('error');
    result.textContent = err instanceof Error ? err.message : String(err);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

/** @param {Prediction} prediction @param {Item} item @param {number} index */
function renderCard(prediction, item, index) {
  const card = /** @type {HTMLElement} */ (
    /** @type {DocumentFragment} */ (cardTemplate.content.cloneNode(true)).firstElementChild
  );
  const q = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (card.querySelector(selector));
  card.dataset.predictionId = prediction.predictionId;
  card.setAttribute('aria-label', `Description ${index + 1}`);
  q('.card-index').textContent = `${index + 1}`;
  const explanation = prediction.explanation ?? [];
  q('.card-text').append(highlightedText(item.text, explanation));
  if (prediction.needsReview) {
    card.classList.add('needs-review');
    const badge = q('.badge.review');
    badge.hidden = false;
    badge.title = 'The top probability is below the model’s review threshold: check this code.';
  }

  const list = q('.candidates');
  for (const candidate of prediction.candidates) {
    const li = element('li');
    const button = candidateButton(candidate);
    button.addEventListener('click', () => sendFeedback(card, prediction, candidate.hs6));
    li.append(button);
    list.append(li);
  }

  if (explanation.length > 0) {
    q('.why').hidden = false;
    const chips = q('.chips');
    for (const { word, weight, readAs } of explanation.slice(0, 8)) {
      const chip = element('li', `chip ${weight >= 0 ? 'up' : 'down'}`);
      chip.append(element('span', 'chip-word', readableWord(word)));
      if (readAs) {
        // Retrieval did not know the word and searched for this instead: say so, or the match looks arbitrary.
        chip.append(element('span', 'chip-reading', `read as “${readAs}”`));
        chip.title = `The index does not know “${word}”; retrieval searched for “${readAs}”.`;
      }
      chip.append(element('span', 'chip-weight', signedPoints(weight)));
      chips.append(chip);
    }
  }

  const feedback = /** @type {HTMLFormElement} */ (q('.feedback'));
  const codeInput = /** @type {HTMLInputElement} */ (q('.feedback-code'));
  feedback.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = codeInput.value.trim();
    if (code === '') {
      const result = q('.feedback-result');
      result.className = 'feedback-result error';
      result.textContent = 'Type the correct code first, for example 6109.10.';
      codeInput.focus();
      return;
    }
    void sendFeedback(card, prediction, code);
  });

  q('.card-foot').textContent =
    `Model ${prediction.variant} · ${prediction.modelVersion} · prediction ${prediction.predictionId}`;
  return card;
}

// ---- Classifying -------------------------------------------------------------------------------

/** The textarea's non-blank lines, with their line numbers for error messages. */
function itemsFromTextarea() {
  return textarea.value
    .split(/\r?\n/)
    .map((text, i) => ({ text: text.trim(), line: i + 1 }))
    .filter((item) => item.text !== '');
}

/** "descriptions[3]" in an error names a position in one request; say which line that is. */
function locate(/** @type {ApiError} */ err, /** @type {Item[]} */ batch) {
  const index = /^descriptions\[(\d+)\]$/.exec(err.field ?? '')?.[1];
  const item = index === undefined ? undefined : batch[Number(index)];
  return item ? `Line ${item.line}: ${err.message}` : err.message;
}

async function classify() {
  clearError();
  const items = itemsFromTextarea();
  if (items.length === 0) {
    showError('Paste at least one product description (one per line), or drop a CSV file.');
    textarea.focus();
    return;
  }
  classifyButton.disabled = true;
  classifyButton.textContent = 'Classifying…';
  results.replaceChildren();
  results.setAttribute('aria-busy', 'true');
  const batches = Math.ceil(items.length / MAX_PER_REQUEST);
  let latencyMs = 0;
  let review = 0;
  const models = new Set();
  try {
    for (let b = 0; b < batches; b++) {
      const batch = items.slice(b * MAX_PER_REQUEST, (b + 1) * MAX_PER_REQUEST);
      statusLine.textContent =
        batches > 1
          ? `Classifying batch ${b + 1} of ${batches}…`
          : `Classifying ${items.length} descriptions…`;
      /** @type {{ predictions: Prediction[], latencyMs: number }} */
      let response;
      try {
        response = await api('/v1/predict', {
          descriptions: batch.map((item) => item.text),
          topK: TOP_K,
          explain: explainBox.checked,
          key: sessionKey,
        });
      } catch (err) {
        throw err instanceof ApiError ? new ApiError(locate(err, batch), err.code, err.field) : err;
      }
      latencyMs += response.latencyMs;
      response.predictions.forEach((prediction, i) => {
        results.append(renderCard(prediction, /** @type {Item} */ (batch[i]), b * MAX_PER_REQUEST + i));
        models.add(`${prediction.variant} · ${prediction.modelVersion}`);
        if (prediction.needsReview) review++;
      });
    }
    const count = items.length === 1 ? '1 description' : `${items.length} descriptions`;
    const flagged = review === 0 ? 'none need review' : `${review} need${review === 1 ? 's' : ''} review`;
    statusLine.textContent = `Classified ${count} in ${Math.round(latencyMs)} ms by ${[...models].join(', ')}; ${flagged}.`;
  } catch (err) {
    statusLine.textContent = '';
    showError(err instanceof Error ? err.message : String(err));
  } finally {
    classifyButton.disabled = false;
    classifyButton.textContent = 'Classify';
    results.removeAttribute('aria-busy');
  }
}

async function loadFile(/** @type {File | undefined} */ file) {
  if (!file) return;
  clearError();
  let descriptions;
  try {
    descriptions = descriptionsFromCsv(await file.text());
  } catch {
    showError(`${file.name} could not be read.`);
    return;
  }
  if (descriptions.length === 0) {
    showError(
      `${file.name} has no descriptions: use a "description" column, or put them in the first column.`,
    );
    return;
  }
  textarea.value = descriptions.join('\n');
  await classify();
}

async function showModels() {
  try {
    const data = await api('/v1/models');
    /** @type {{ variant: string, version: string, hsEdition?: string }[]} */
    const models = Array.isArray(data) ? data : (data && data.models) || [];
    modelInfo.textContent =
      models.length === 0
        ? 'The model loads on the first request.'
        : `Serving ${models.map((m) => `${m.variant} · ${m.version}`).join(', ')}${models[0]?.hsEdition ? ` (${models[0].hsEdition})` : ''}`;
  } catch (err) {
    modelInfo.textContent = `Model information unavailable: ${err instanceof Error ? err.message : String(err)}`;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void classify().then(showModels);
});
textarea.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    form.requestSubmit();
  }
});
fileInput.addEventListener('change', () => {
  void loadFile(fileInput.files?.[0]).finally(() => (fileInput.value = ''));
});
dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropZone.classList.add('dragging');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('dragging');
  void loadFile(event.dataTransfer?.files[0]);
});
// A file dropped beside the zone would otherwise replace the page.
window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', (event) => event.preventDefault());
void showModels();
