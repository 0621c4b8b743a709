import { escapeHtml } from './escape';
import type { AbstainThreshold, EvaluationResult } from './metrics';
import { SCORE_ROWS, formatPercent, formatPoints, type HeadlineScores } from './score-rows';
import { barChart, lineChart, reliabilityDiagram, type LineSeries } from './svg-charts';

export interface TrainingEpoch {
  epoch: number;
  loss: number;
  acc: number;
  valLoss?: number;
  valAcc?: number;
}

/** One scored set: the served predictor beside the network alone and the two baselines. */
export interface ReportSet {
  name: string;
  evaluation: {
    model: EvaluationResult;
    network: EvaluationResult;
    baseline: EvaluationResult;
    linear?: EvaluationResult;
  };
}

export interface ReportInput {
  variant: string;
  modelVersion: string;
  dataSha256: string;
  /** As the caller wants it shown (the report never reads the clock, so it is reproducible). */
  date: string;
  /** What was scored, e.g. "validation split"; shown under the title. */
  dataset?: string;
  model: EvaluationResult;
  baseline?: HeadlineScores;
  history: readonly TrainingEpoch[];
  /** Chapter code → description, to name the per-chapter bars. */
  chapterNames?: Readonly<Record<string, string>>;
  /** Sets scored side by side (held-out, development, realistic…), each in a table of its own. */
  sets?: readonly ReportSet[];
  /** The review rule the model ships with, as chosen on its calibration rows. */
  review?: AbstainThreshold;
}

const TRAIN_COLOR = '#0969da';
const VALIDATION_COLOR = '#bc4c00';

const STYLE = `
  :root { color-scheme: light; }
  body { margin: 0; background: #f6f8fa; color: #24292f;
    font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  main { max-width: 980px; margin: 0 auto; padding: 24px; }
  header { border-bottom: 1px solid #d0d7de; margin-bottom: 16px; }
  h1 { font-size: 24px; margin: 0 0 4px; }
  h2 { font-size: 18px; margin: 0 0 12px; }
  .subtitle { color: #57606a; margin: 0 0 12px; }
  dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0 0 16px; }
  dl.meta dt { color: #57606a; }
  dl.meta dd { margin: 0; }
  code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
  section { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
  .cards { display: flex; flex-wrap: wrap; gap: 12px; }
  .card { flex: 1 1 180px; border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 14px; }
  .card .value { font-size: 24px; font-weight: 600; }
  .card .label { color: #57606a; font-size: 12px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { padding: 6px 10px; border-bottom: 1px solid #eaeef2; }
  th { text-align: left; color: #57606a; font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .better { color: #1a7f37; }
  .worse { color: #cf222e; }
  .charts { display: flex; flex-wrap: wrap; gap: 16px; }
  svg { max-width: 100%; height: auto; }
  .note { color: #57606a; font-size: 13px; }
  footer { color: #57606a; font-size: 12px; margin-top: 24px; }
`;

/** One self-contained HTML page (inline CSS and SVG only) a compliance analyst can open offline. */
export function renderReport(input: ReportInput): string {
  const { model } = input;
  const title = `HS code model evaluation — ${input.variant}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body><main>',
    header(input, title),
    summaryCards(model, input.review),
    input.sets?.length
      ? input.sets.map((set) => comparisonTable(set, input.chapterNames ?? {})).join('\n')
      : metricsTable(model, input.baseline),
    trainingCurves(input.history),
    perChapter(model, input.chapterNames ?? {}),
    calibration(model),
    coverage(model, input.review),
    definitions(model.reliability.length),
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}

function header(input: ReportInput, title: string): string {
  const meta: Array<[string, string]> = [
    ['Variant', escapeHtml(input.variant)],
    ['Model version', `<code>${escapeHtml(input.modelVersion)}</code>`],
    ['Data sha256', `<code>${escapeHtml(input.dataSha256)}</code>`],
    ['Date', escapeHtml(input.date)],
    ['Examples scored', escapeHtml(input.model.n.toLocaleString('en-US'))],
  ];
  if (input.model.unknownLabels > 0) {
    meta.push([
      'Codes unknown to the model',
      escapeHtml(
        `${input.model.unknownLabels} (counted as wrong at HS6, still scored at heading and chapter)`,
      ),
    ]);
  }
  return (
    `<header><h1>${escapeHtml(title)}</h1>` +
    (input.dataset ? `<p class="subtitle">Scored on ${escapeHtml(input.dataset)}</p>` : '') +
    `<dl class="meta">${meta.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('')}</dl></header>`
  );
}

function summaryCards(model: EvaluationResult, review: AbstainThreshold | undefined): string {
  const abstain = review ?? model.abstain;
  const cards: Array<[string, string]> = [
    [formatPercent(model.top1.hs6), 'HS6 top-1 accuracy'],
    [formatPercent(model.top5.hs6), 'HS6 in the top 5'],
    [formatPercent(model.top1.hs2), 'chapter right (top-1)'],
    [formatPercent(abstain.coverage), `auto-accepted at ≥ ${abstain.threshold.toFixed(3)} confidence`],
  ];
  return (
    '<section><h2>Summary</h2><div class="cards">' +
    cards
      .map(
        ([value, label]) =>
          `<div class="card"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div></div>`,
      )
      .join('') +
    `</div><p class="note">${escapeHtml(abstainSentence(model, review))}</p></section>`
  );
}

const LEVEL_NAMES = { hs2: 'chapter', hs6: 'HS6' } as const;

function abstainSentence(model: EvaluationResult, review?: AbstainThreshold): string {
  if (review) {
    const observed = model.review;
    const level = LEVEL_NAMES[review.level];
    return (
      `Review rule: an answer whose ${review.level === 'hs2' ? 'top chapter' : 'top code'} has less than ` +
      `${review.threshold.toFixed(3)} probability is flagged. Chosen on ${review.rows} held-out calibration rows, as 1–3-word trader phrases, for ` +
      `${formatPercent(review.targetPrecision, 0)} ${level} precision of the answers not flagged: there it answers ` +
      `${formatPercent(review.coverage)} at ${formatPercent(review.precision)}.` +
      (observed
        ? ` On these ${model.n} rows it answers ${formatPercent(observed.coverage)} at ` +
          `${formatPercent(observed.precision)} ${level} precision and flags the other ${formatPercent(1 - observed.coverage)}.`
        : '')
    );
  }
  const { abstain } = model;
  const flagged = formatPercent(1 - abstain.coverage);
  return (
    `Predictions with confidence ≥ ${abstain.threshold.toFixed(3)} cover ${formatPercent(abstain.coverage)} ` +
    `of the descriptions at ${formatPercent(abstain.precision)} ${LEVEL_NAMES[abstain.level]} precision ` +
    `(target ${formatPercent(abstain.targetPrecision, 0)}); the other ${flagged} are flagged for human review.`
  );
}

function metricsTable(model: HeadlineScores, baseline: HeadlineScores | undefined): string {
  const head = baseline
    ? '<tr><th>metric</th><th class="num">model</th><th class="num">BM25 baseline</th><th class="num">gain (points)</th></tr>'
    : '<tr><th>metric</th><th class="num">model</th></tr>';
  const rows = SCORE_ROWS.map((row) => {
    const ours = row.value(model);
    const cells = [
      `<td>${escapeHtml(row.label)}</td>`,
      `<td class="num">${escapeHtml(formatPercent(ours))}</td>`,
    ];
    if (baseline) {
      const theirs = row.value(baseline);
      const gain = ours - theirs;
      const improved = row.lowerIsBetter ? gain < 0 : gain > 0;
      const worsened = row.lowerIsBetter ? gain > 0 : gain < 0;
      const tone = improved ? ' better' : worsened ? ' worse' : '';
      cells.push(
        `<td class="num">${escapeHtml(formatPercent(theirs))}</td>`,
        `<td class="num${tone}">${escapeHtml(formatPoints(gain))}</td>`,
      );
    }
    return `<tr>${cells.join('')}</tr>`;
  });
  const note = baseline
    ? '<p class="note">The baseline ranks subheadings by BM25 over the HS 2022 nomenclature texts; it scores the same examples against the same label list.</p>'
    : '';
  return `<section><h2>Scores</h2><table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>${note}</section>`;
}

const PREDICTORS = [
  ['served', 'served predictor'],
  ['network', 'network alone'],
  ['baseline', 'BM25'],
  ['linear', 'linear n-gram'],
] as const;

/** A set's scores: served, network alone, BM25 and linear side by side, and the worst chapters. */
function comparisonTable(set: ReportSet, names: Readonly<Record<string, string>>): string {
  const scored = PREDICTORS.flatMap(([key, label]) => {
    const result = key === 'served' ? set.evaluation.model : set.evaluation[key];
    return result ? [{ key, label, result }] : [];
  });
  const baselines = scored.filter((s) => s.key === 'baseline' || s.key === 'linear');
  const head =
    '<tr><th>metric</th>' +
    scored.map((s) => `<th class="num">${escapeHtml(s.label)}</th>`).join('') +
    '<th class="num">served − best baseline (points)</th></tr>';
  const rows = SCORE_ROWS.map((row) => {
    const ours = row.value(set.evaluation.model);
    const others = baselines.map((b) => row.value(b.result));
    const best = row.lowerIsBetter ? Math.min(...others) : Math.max(...others);
    const gain = ours - best;
    const tone = (row.lowerIsBetter ? gain < 0 : gain > 0) ? ' better' : gain === 0 ? '' : ' worse';
    return (
      `<tr><td>${escapeHtml(row.label)}</td>` +
      scored.map((s) => `<td class="num">${escapeHtml(formatPercent(row.value(s.result)))}</td>`).join('') +
      `<td class="num${tone}">${escapeHtml(formatPoints(gain))}</td></tr>`
    );
  });
  return (
    `<section><h2>Scores: ${escapeHtml(set.name)}</h2>` +
    `<table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>` +
    '<p class="note">Served: the network fused with BM25 retrieval over the nomenclature and the training rows. ' +
    'BM25 ranks subheadings by their nomenclature text; the linear n-gram model is TF-IDF over words, word pairs and ' +
    'character 3–5-grams with a nearest-centroid linear classifier, trained on the same rows as the network.</p>' +
    worstChapters(set, scored, names) +
    '</section>'
  );
}

function worstChapters(
  set: ReportSet,
  scored: ReadonlyArray<{ key: string; label: string; result: EvaluationResult }>,
  names: Readonly<Record<string, string>>,
): string {
  const worst = [...set.evaluation.model.perChapter]
    .filter((c) => c.n >= 2)
    .sort((a, b) => a.accuracy - b.accuracy || b.n - a.n || (a.chapter < b.chapter ? -1 : 1))
    .slice(0, 8);
  if (worst.length === 0) return '';
  const accuracyIn = (result: EvaluationResult, chapter: string) => {
    const found = result.perChapter.find((c) => c.chapter === chapter);
    return found ? formatPercent(found.accuracy, 0) : '–';
  };
  const rows = worst.map(
    (c) =>
      `<tr><td>${escapeHtml(`${c.chapter} ${names[c.chapter] ?? ''}`.trim())}</td><td class="num">${c.n}</td>` +
      scored.map((s) => `<td class="num">${escapeHtml(accuracyIn(s.result, c.chapter))}</td>`).join('') +
      '</tr>',
  );
  return (
    '<h3>Worst chapters (HS6 top-1 of the served predictor, chapters with ≥ 2 rows)</h3>' +
    `<table><thead><tr><th>true chapter</th><th class="num">rows</th>${scored
      .map((s) => `<th class="num">${escapeHtml(s.label)}</th>`)
      .join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function trainingCurves(history: readonly TrainingEpoch[]): string {
  if (history.length === 0) {
    return '<section><h2>Training curves</h2><p class="note">No training history was recorded for this model.</p></section>';
  }
  const series = (
    name: string,
    color: string,
    pick: (e: TrainingEpoch) => number | undefined,
    dashed = false,
  ): LineSeries[] => {
    const points = history.flatMap((e) => {
      const y = pick(e);
      return y === undefined ? [] : [{ x: e.epoch, y }];
    });
    return points.length ? [{ name, color, points, dashed }] : [];
  };
  const epochs = (v: number): string => (Number.isInteger(v) ? String(v) : '');
  const loss = lineChart({
    title: 'Loss per epoch',
    xLabel: 'epoch',
    yLabel: 'loss',
    xFormat: epochs,
    yFormat: (v) => Number(v.toPrecision(3)).toString(),
    series: [
      ...series('train', TRAIN_COLOR, (e) => e.loss),
      ...series('validation', VALIDATION_COLOR, (e) => e.valLoss, true),
    ],
    yDomain: [
      0,
      Math.max(...history.flatMap((e) => [e.loss, e.valLoss ?? 0]).filter(Number.isFinite), 1e-6) * 1.05,
    ],
    width: 460,
    height: 280,
  });
  const accuracy = lineChart({
    title: 'Accuracy per epoch',
    xLabel: 'epoch',
    yLabel: 'accuracy (HS6 top-1)',
    xFormat: epochs,
    yFormat: (v) => formatPercent(v, 0),
    series: [
      ...series('train', TRAIN_COLOR, (e) => e.acc),
      ...series('validation', VALIDATION_COLOR, (e) => e.valAcc, true),
    ],
    yDomain: [0, 1],
    width: 460,
    height: 280,
  });
  return `<section><h2>Training curves</h2><div class="charts">${loss}${accuracy}</div></section>`;
}

function perChapter(model: EvaluationResult, names: Readonly<Record<string, string>>): string {
  if (model.perChapter.length === 0) return '';
  const sorted = [...model.perChapter].sort(
    (a, b) => b.accuracy - a.accuracy || b.n - a.n || (a.chapter < b.chapter ? -1 : 1),
  );
  const chart = barChart({
    title: 'HS6 top-1 accuracy by true chapter',
    bars: sorted.map((c) => {
      const name = names[c.chapter];
      return {
        label: name ? `${c.chapter} ${name}` : `chapter ${c.chapter}`,
        value: c.accuracy,
        valueLabel: `${formatPercent(c.accuracy, 0)} of ${c.n}`,
        tooltip: `Chapter ${c.chapter}${name ? ` — ${name}` : ''}: ${c.correct} of ${c.n} right (${formatPercent(c.accuracy)})`,
      };
    }),
  });
  return (
    '<section><h2>Accuracy by chapter</h2>' +
    '<p class="note">HS6 top-1 accuracy of the examples whose true code lies in each chapter, best first; hover a bar for the counts.</p>' +
    `${chart}</section>`
  );
}

function calibration(model: EvaluationResult): string {
  return (
    `<section><h2>Calibration</h2><p class="note">Expected calibration error ${escapeHtml(formatPercent(model.ece))}: ` +
    'bars at the dashed diagonal mean a stated confidence of 80% is right 80% of the time; bars below it are over-confident.</p>' +
    `${reliabilityDiagram({ bins: model.reliability, ece: model.ece })}</section>`
  );
}

function coverage(model: EvaluationResult, review: AbstainThreshold | undefined): string {
  const abstain = review && model.review ? { ...model.review } : model.abstain;
  const level = LEVEL_NAMES[review?.level ?? model.abstain.level];
  const chart = lineChart({
    title: `${level} precision against coverage`,
    xLabel: 'coverage (share of descriptions answered without review)',
    yLabel: `precision of answered (${level})`,
    xFormat: (v) => formatPercent(v, 0),
    yFormat: (v) => formatPercent(v, 0),
    xDomain: [0, 1],
    yDomain: [0, 1],
    series: [
      {
        name: 'model',
        color: TRAIN_COLOR,
        points: model.coverage.map((p) => ({ x: p.coverage, y: p.accuracy })),
      },
    ],
    marker:
      abstain.coverage > 0
        ? {
            x: abstain.coverage,
            y: abstain.precision,
            label: `threshold ${abstain.threshold.toFixed(3)}: ${formatPercent(abstain.coverage)} at ${formatPercent(abstain.precision)}`,
          }
        : undefined,
    width: 640,
    height: 320,
  });
  return `<section><h2>Precision against coverage</h2><p class="note">${escapeHtml(abstainSentence(model, review))}</p>${chart}</section>`;
}

function definitions(bins: number): string {
  return (
    '<footer><p><strong>How to read the scores.</strong> Top-k: the true code is among the k most probable. ' +
    'Heading and chapter scores add up the probabilities of all subheadings under each heading or chapter before ranking. ' +
    'Macro-F1 averages the F1 of every subheading present in the scored data, each with equal weight, so rare codes count as much as common ones. ' +
    `ECE: the average gap between confidence and accuracy over ${bins} equal-width confidence bins, weighted by their share of predictions.</p></footer>`
  );
}
