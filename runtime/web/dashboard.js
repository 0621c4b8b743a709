// The monitoring view: who serves and with what share, how each model does on feedback, whether
// live inputs drift from what it was trained on, and the decisions that changed any of it.
// Plain browser JavaScript with no build step; data only ever reaches the page as textContent or
// SVG attributes.

/**
 * @typedef {{ variant: string, version: string }} ModelRef
 * @typedef {{ n: number, successes: number, rate: number | null, low: number | null, high: number | null }} Proportion
 * @typedef {{ name: string, n: number, psi: number | null, jsBits: number | null,
 *   threshold: { warn: number, alarm: number }, jsThreshold: { warn: number, alarm: number },
 *   expectedNoise: number | null, status: string, live?: number | null, baseline?: number }} Indicator
 * @typedef {{ n: number, baselineN: number, status: string, indicators: Indicator[] }} Drift
 * @typedef {ModelRef & { role: string | null, accuracy: Proportion, accuracyByDay: (Proportion & { day: string })[],
 *   served: number, latencyP99Ms: number | null, drift: Drift | null, driftUnavailable?: string }} ModelPanel
 * @typedef {{ seq: number, time: string, type: string, actor: string, subject: ModelRef, reason: string,
 *   stats: Record<string, number | [number, number]> }} Decision
 * @typedef {{ givenBy: string, via: string | null, records: number, matched: number, confirmed: number,
 *   held: number, chapterChanges: Proportion, othersChapterChanges: Proportion, lastAt: string,
 *   disagrees?: string }} Giver
 * @typedef {{ generatedAt: string,
 *   registry: { revision: number, champion: ModelRef, challengers: (ModelRef & { weight: number })[],
 *     shadows: ModelRef[], fallback: ModelRef | null } | null,
 *   traffic: (ModelRef & { role: string, share: number })[], decisions: Decision[], models: ModelPanel[],
 *   givers: Giver[], window: { auditRecords: number, firstPrediction: string | null, lastPrediction: string | null,
 *     feedbackRecords: number, feedbackSince: string } }} Dashboard
 */

const REFRESH_MS = 10_000;
const SVG = 'http://www.w3.org/2000/svg';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const updated = $('updated');
const errorBox = $('error');

/** @param {string} tag @param {string} [className] @param {string} [text] */
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * A data table in its scrolling wrapper, with a header row of `titles`; rows go into `rows`.
 * @param {string} className
 * @param {string[]} titles
 */
function dataTable(className, titles) {
  const table = element('table', `data-table ${className}`);
  const headRow = element('tr');
  for (const title of titles) headRow.append(element('th', undefined, title));
  const head = element('thead');
  head.append(headRow);
  const rows = element('tbody');
  table.append(head, rows);
  const wrap = element('div', 'table-wrap');
  wrap.append(table);
  return { wrap, rows };
}

/** An SVG element with its attributes (geometry only: colours come from dashboard.css). */
function svg(/** @type {string} */ tag, /** @type {Record<string, string | number>} */ attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

const name = (/** @type {ModelRef} */ ref) => `${ref.variant}/${ref.version}`;
/** 0.8 → "80%", 0.2534 → "25.3%". */
const share = (/** @type {number} */ x) => `${Number((x * 100).toFixed(1))}%`;
const pct = (/** @type {number | null} */ x) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const utc = (/** @type {string} */ time) => `${time.slice(0, 16).replace('T', ' ')} UTC`;
/** Enough digits to compare with a threshold such as 0.1 or 0.0036. */
const figure = (/** @type {number | null} */ x) =>
  x === null ? '—' : Math.abs(x) >= 0.1 || x === 0 ? x.toFixed(3) : x.toPrecision(2);
const roleLabel = (/** @type {string | null} */ role) => role ?? 'not routed';

function roleBadge(/** @type {string | null} */ role) {
  return element('span', `role role-${role ?? 'none'}`, roleLabel(role));
}

function empty(/** @type {string} */ text) {
  return element('p', 'empty', text);
}

// ---- Registry and traffic ----------------------------------------------------------------------

/** @param {Dashboard} data */
function renderTraffic(data) {
  const body = $('traffic-body');
  if (!data.registry) {
    body.replaceChildren(empty('No champion is registered yet: the first served model becomes it.'));
    return;
  }
  const { registry, traffic } = data;
  const bar = svg('svg', {
    class: 'split',
    viewBox: '0 0 1000 36',
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': `Traffic split: ${traffic.map((t) => `${name(t)} ${share(t.share)}`).join(', ')}`,
  });
  let x = 0;
  traffic.forEach((t, i) => {
    const width = t.share * 1000;
    const segment = svg('rect', {
      class: `segment segment-${t.role} segment-${i}`,
      x,
      y: 0,
      width,
      height: 36,
    });
    const title = svg('title');
    title.textContent = `${name(t)} (${t.role}): ${share(t.share)}`;
    segment.append(title);
    bar.append(segment);
    x += width;
  });

  const legend = element('ul', 'legend');
  traffic.forEach((t, i) => {
    const item = element('li', 'legend-item');
    item.dataset.role = t.role;
    item.append(
      element('span', `swatch segment-${t.role} segment-${i}`),
      element('span', 'legend-share', share(t.share)),
      element('span', 'model-name', name(t)),
      roleBadge(t.role),
    );
    legend.append(item);
  });

  const facts = element('dl', 'facts');
  const fact = (/** @type {string} */ term, /** @type {string} */ value) =>
    facts.append(element('dt', undefined, term), element('dd', undefined, value));
  fact('Champion', name(registry.champion));
  fact(
    'Challengers',
    registry.challengers.length
      ? registry.challengers.map((c) => `${name(c)} (weight ${c.weight})`).join(', ')
      : 'none',
  );
  fact('Shadows', registry.shadows.length ? registry.shadows.map(name).join(', ') : 'none');
  fact('Fallback', registry.fallback ? name(registry.fallback) : 'none');
  fact('Revision', String(registry.revision));
  body.replaceChildren(bar, legend, facts);
}

// ---- Accuracy charts ---------------------------------------------------------------------------

const CHART = { width: 420, height: 170, left: 40, right: 22, top: 10, bottom: 26 };

/** Accuracy by day as a line over its interval band, hand-drawn in SVG. */
function accuracyChart(/** @type {ModelPanel} */ model) {
  const days = model.accuracyByDay.filter((d) => d.rate !== null);
  const { width, height, left, right, top, bottom } = CHART;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const xOf = (/** @type {number} */ i) =>
    left + (days.length === 1 ? plotWidth / 2 : (i * plotWidth) / (days.length - 1));
  const yOf = (/** @type {number} */ p) => top + (1 - p) * plotHeight;
  const chart = svg('svg', {
    class: `chart chart-${model.role ?? 'none'}`,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `Accuracy by day of ${name(model)}: ${days
      .map((d) => `${d.day} ${pct(d.rate)} (${pct(d.low)}–${pct(d.high)}, n ${d.n})`)
      .join('; ')}`,
  });

  for (const level of [0, 0.25, 0.5, 0.75, 1]) {
    chart.append(svg('line', { class: 'grid', x1: left, x2: width - right, y1: yOf(level), y2: yOf(level) }));
    const label = svg('text', { class: 'axis-label', x: left - 6, y: yOf(level) + 4, 'text-anchor': 'end' });
    label.textContent = `${level * 100}%`;
    chart.append(label);
  }

  // Interval band: along the upper bounds, back along the lower ones.
  if (days.length > 1) {
    const upper = days.map((d, i) => `${xOf(i)},${yOf(/** @type {number} */ (d.high))}`);
    const lower = days.map((d, i) => `${xOf(i)},${yOf(/** @type {number} */ (d.low))}`).reverse();
    chart.append(svg('polygon', { class: 'band', points: [...upper, ...lower].join(' ') }));
    chart.append(
      svg('polyline', {
        class: 'line',
        points: days.map((d, i) => `${xOf(i)},${yOf(/** @type {number} */ (d.rate))}`).join(' '),
      }),
    );
  }
  // Each day's own interval as an error bar: the band alone hides how wide one day is.
  const every = Math.max(1, Math.ceil(days.length / 6));
  days.forEach((d, i) => {
    const x = xOf(i);
    chart.append(
      svg('line', {
        class: 'whisker',
        x1: x,
        x2: x,
        y1: yOf(/** @type {number} */ (d.low)),
        y2: yOf(/** @type {number} */ (d.high)),
      }),
    );
    const point = svg('circle', { class: 'point', cx: x, cy: yOf(/** @type {number} */ (d.rate)), r: 3.5 });
    point.dataset.day = d.day;
    const title = svg('title');
    title.textContent = `${d.day}: ${pct(d.rate)} of ${d.n} (95% CI ${pct(d.low)}–${pct(d.high)})`;
    point.append(title);
    chart.append(point);
    if (i % every === 0 || i === days.length - 1) {
      const label = svg('text', { class: 'axis-label', x, y: height - 8, 'text-anchor': 'middle' });
      label.textContent = d.day.slice(5);
      chart.append(label);
    }
  });
  return chart;
}

/** @param {Dashboard} data */
function renderAccuracy(data) {
  const body = $('accuracy-body');
  if (data.models.length === 0) {
    body.replaceChildren(empty('No model has served yet.'));
    return;
  }
  body.replaceChildren(
    ...data.models.map((model) => {
      const card = element('article', 'model-card');
      card.dataset.model = name(model);
      const head = element('header', 'model-head');
      head.append(element('h3', 'model-name', name(model)), roleBadge(model.role));
      const { accuracy } = model;
      const summary = element(
        'p',
        'model-summary',
        accuracy.rate === null
          ? 'No feedback yet'
          : `${pct(accuracy.rate)} top-1 (95% CI ${pct(accuracy.low)}–${pct(accuracy.high)}) on ${accuracy.n} feedback`,
      );
      const served = element(
        'p',
        'hint',
        `Served ${model.served} prediction${model.served === 1 ? '' : 's'}` +
          (model.latencyP99Ms === null ? '' : ` · model p99 ${model.latencyP99Ms.toFixed(1)} ms`),
      );
      card.append(head, summary, served);
      if (accuracy.rate === null)
        card.append(empty('No feedback yet: the chart starts with the first correction.'));
      else card.append(accuracyChart(model));
      return card;
    }),
  );
}

// ---- Drift -------------------------------------------------------------------------------------

const SIGNALS = /** @type {Record<string, string>} */ ({
  'predicted-chapter': 'Predicted chapters',
  'top1-confidence': 'Top-1 confidence',
  'unknown-word-rate': 'Unknown words',
});
const STATUS_TEXT = /** @type {Record<string, string>} */ ({
  ok: 'OK',
  warn: 'Warning',
  alarm: 'Alarm',
  'too-little-data': 'Not judged yet',
});

function statusChip(/** @type {string} */ status) {
  const chip = element('span', `status-chip status-${status}`, STATUS_TEXT[status] ?? status);
  chip.dataset.status = status;
  return chip;
}

/** @param {Dashboard} data */
function renderDrift(data) {
  const body = $('drift-body');
  const routed = data.models.filter((m) => m.drift || m.driftUnavailable);
  if (routed.length === 0) {
    body.replaceChildren(empty('No routed model to compare yet.'));
    return;
  }
  const { wrap, rows } = dataTable('drift-table', [
    'Model',
    'Signal',
    'Live n',
    'PSI',
    'Threshold (warn / alarm)',
    'JS (bits)',
    'Status',
  ]);
  for (const model of routed) {
    if (!model.drift) {
      const row = element('tr');
      row.append(element('td', 'model-name', name(model)));
      const cell = element('td', undefined, `No baseline: ${model.driftUnavailable ?? 'unknown'}`);
      cell.setAttribute('colspan', '6');
      row.append(cell);
      rows.append(row);
      continue;
    }
    model.drift.indicators.forEach((indicator, i) => {
      const row = element('tr', `indicator status-row-${indicator.status}`);
      row.dataset.signal = indicator.name;
      const modelCell = element('td', 'model-name', i === 0 ? name(model) : '');
      const signal = element('td', undefined, SIGNALS[indicator.name] ?? indicator.name);
      if (indicator.name === 'unknown-word-rate' && indicator.baseline !== undefined) {
        signal.append(
          element(
            'span',
            'hint block',
            `${pct(indicator.live ?? null)} of ${indicator.n} words live vs ${pct(indicator.baseline)} held out`,
          ),
        );
      }
      const status = element('td');
      status.append(statusChip(indicator.status));
      if (indicator.status === 'too-little-data' && indicator.expectedNoise !== null) {
        status.append(
          element('span', 'hint block', `chance alone gives ≈ ${figure(indicator.expectedNoise)}`),
        );
      }
      row.append(
        modelCell,
        signal,
        element('td', 'number', String(indicator.n)),
        element('td', 'number value', figure(indicator.psi)),
        element('td', 'number', `${indicator.threshold.warn} / ${indicator.threshold.alarm}`),
        element('td', 'number', figure(indicator.jsBits)),
        status,
      );
      rows.append(row);
    });
  }
  body.replaceChildren(wrap);
}

// ---- Feedback by giver -------------------------------------------------------------------------

const VIA = /** @type {Record<string, string>} */ ({
  'api-key': 'analyst key',
  'cloud-identity': 'cloud identity',
});

/** @param {Dashboard} data */
function renderGivers(data) {
  const body = $('givers-body');
  if (data.givers.length === 0) {
    body.replaceChildren(empty('No feedback in the window yet.'));
    return;
  }
  const { wrap, rows } = dataTable('givers-table', [
    'Giver',
    'Feedback',
    'Top-1 confirmed',
    'Moved to another chapter',
    'Everyone else',
    'Held',
    'Last',
  ]);
  for (const giver of data.givers) {
    const row = element('tr', giver.disagrees ? 'giver status-row-alarm' : 'giver');
    row.dataset.giver = giver.givenBy;
    const who = element('td', 'giver-id', giver.givenBy);
    who.append(
      element('span', 'hint block', giver.via ? (VIA[giver.via] ?? giver.via) : 'no giver recorded'),
    );
    const moved = element('td', 'number');
    moved.append(element('span', 'rate', pct(giver.chapterChanges.rate)));
    if (giver.disagrees) {
      moved.append(
        element('span', 'status-chip status-alarm', 'Disagrees'),
        element('span', 'hint block disagrees', giver.disagrees),
      );
    }
    row.append(
      who,
      element('td', 'number', String(giver.records)),
      element('td', 'number', `${giver.confirmed} of ${giver.matched}`),
      moved,
      element('td', 'number others', pct(giver.othersChapterChanges.rate)),
      element('td', 'number', String(giver.held)),
      element('td', 'time', utc(giver.lastAt)),
    );
    rows.append(row);
  }
  body.replaceChildren(wrap);
}

// ---- Decisions ---------------------------------------------------------------------------------

function statText(/** @type {string} */ key, /** @type {number | [number, number]} */ value) {
  const number = (/** @type {number} */ x) =>
    Number.isInteger(x) ? String(x) : Number(x.toPrecision(4)).toString();
  return Array.isArray(value)
    ? `${key} [${number(value[0])}, ${number(value[1])}]`
    : `${key} ${number(value)}`;
}

/** @param {Dashboard} data */
function renderDecisions(data) {
  const body = $('decisions-body');
  if (data.decisions.length === 0) {
    body.replaceChildren(empty('No decisions recorded yet.'));
    return;
  }
  const { wrap, rows } = dataTable('decisions-table', [
    '#',
    'Time',
    'Decision',
    'Model',
    'By',
    'Reason',
    'Numbers',
  ]);
  for (const decision of data.decisions) {
    const row = element('tr', 'decision');
    row.dataset.type = decision.type;
    const type = element('td');
    type.append(element('span', `event event-${decision.type}`, decision.type));
    const stats = element('td', 'stats');
    const entries = Object.entries(decision.stats);
    if (entries.length === 0) stats.textContent = '—';
    for (const [key, value] of entries) stats.append(element('span', 'stat', statText(key, value)));
    row.append(
      element('td', 'number', String(decision.seq)),
      element('td', 'time', utc(decision.time)),
      type,
      element('td', 'model-name', name(decision.subject)),
      element('td', 'actor', decision.actor),
      element('td', 'reason', decision.reason),
      stats,
    );
    rows.append(row);
  }
  body.replaceChildren(wrap);
}

// ---- Refresh -----------------------------------------------------------------------------------

/** @returns {Promise<Dashboard>} */
async function fetchDashboard() {
  let response;
  try {
    response = await fetch('/v1/dashboard', { cache: 'no-store' });
  } catch {
    throw new Error('The service cannot be reached; retrying.');
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error((data && data.error && data.error.message) || `The service answered ${response.status}.`);
  }
  return data;
}

let loading = false;

async function refresh() {
  if (loading) return;
  loading = true;
  try {
    const data = await fetchDashboard();
    renderTraffic(data);
    renderAccuracy(data);
    renderDrift(data);
    renderGivers(data);
    renderDecisions(data);
    errorBox.hidden = true;
    errorBox.textContent = '';
    const { window: w } = data;
    updated.textContent =
      `Updated ${utc(data.generatedAt)} · refreshes every ${REFRESH_MS / 1000} s · ` +
      `${w.auditRecords} predictions in the audit window, ${w.feedbackRecords} feedback since ${w.feedbackSince.slice(0, 10)}`;
    document.body.dataset.loaded = data.generatedAt;
  } catch (err) {
    // Keep the last figures on screen: a blip should not blank the page.
    errorBox.textContent = err instanceof Error ? err.message : String(err);
    errorBox.hidden = false;
  } finally {
    loading = false;
  }
}

void refresh();
setInterval(() => {
  if (document.visibilityState !== 'hidden') void refresh();
}, REFRESH_MS);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void refresh();
});
