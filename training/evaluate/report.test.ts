import { MetricsAccumulator, type EvaluationResult } from './metrics';
import { renderReport, type ReportInput } from './report';
import { formatPercent, formatPoints } from './score-rows';

const LABELS = ['010121', '010129', '020110', '610910', '610990'];

function peaked(predicted: string, confidence: number): number[] {
  const rest = (1 - confidence) / (LABELS.length - 1);
  return LABELS.map((label) => (label === predicted ? confidence : rest));
}

function evaluate(
  pairs: ReadonlyArray<[truth: string, predicted: string, confidence: number]>,
): EvaluationResult {
  const accumulator = new MetricsAccumulator(LABELS);
  for (const [truth, predicted, confidence] of pairs) accumulator.add(truth, peaked(predicted, confidence));
  return accumulator.result();
}

const model = evaluate([
  ['010121', '010121', 0.95],
  ['010129', '010129', 0.9],
  ['020110', '020110', 0.8],
  ['610910', '610910', 0.7],
  ['610990', '610910', 0.6],
  ['610990', '610990', 0.4],
]);
const baseline = evaluate([
  ['010121', '010129', 0.5],
  ['010129', '010129', 0.5],
  ['020110', '610910', 0.3],
  ['610910', '610910', 0.6],
  ['610990', '610910', 0.6],
  ['610990', '020110', 0.3],
]);

const input: ReportInput = {
  variant: 'text-cnn',
  modelVersion: 'text-cnn-0123456789ab',
  dataSha256: 'a'.repeat(64),
  date: '2024-05-01T12:00:00Z',
  dataset: 'validation split',
  model,
  baseline,
  history: [
    { epoch: 1, loss: 2.5, acc: 0.3, valLoss: 2.7, valAcc: 0.25 },
    { epoch: 2, loss: 1.4, acc: 0.6, valLoss: 1.8, valAcc: 0.5 },
    { epoch: 3, loss: 0.9, acc: 0.75, valLoss: 1.5, valAcc: 0.58 },
  ],
  chapterNames: { '01': 'Animals; live', '02': 'Meat and edible meat offal', '61': 'Apparel; knitted' },
};

const count = (html: string, needle: string): number => html.split(needle).length - 1;

/** Every opened SVG/XML element is closed in order (enough to catch a broken template). */
function assertBalancedTags(fragment: string): void {
  const stack: string[] = [];
  for (const [, closing, name, selfClosing] of fragment.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!closing) stack.push(name as string);
    else expect(stack.pop()).toBe(name);
  }
  expect(stack).toEqual([]);
}

describe('renderReport', () => {
  const html = renderReport(input);

  it('draws one SVG per plot: loss, accuracy, chapters, reliability, coverage', () => {
    expect(count(html, '<svg')).toBe(5);
    expect(count(html, '</svg>')).toBe(5);
    for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) assertBalancedTags(svg);
  });

  it('is self-contained', () => {
    expect(html).not.toMatch(/<script|<link|\bsrc=|\bhref=|@import|url\(/i);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('shows the header and the compared numbers', () => {
    expect(html).toContain('text-cnn-0123456789ab');
    expect(html).toContain('a'.repeat(64));
    expect(html).toContain('2024-05-01T12:00:00Z');
    expect(html).toContain(`<td class="num">${formatPercent(model.top1.hs6)}</td>`);
    expect(html).toContain(`<td class="num">${formatPercent(baseline.top1.hs6)}</td>`);
    expect(html).toContain(formatPoints(model.top1.hs6 - baseline.top1.hs6));
    expect(html).toContain(`ECE ${formatPercent(model.ece)}`);
    expect(html).toContain(`threshold ${model.abstain.threshold.toFixed(3)}`);
  });

  it('names chapters and puts their counts in tooltips, best first', () => {
    expect(html).toContain('<title>Chapter 01 — Animals; live: 2 of 2 right (100.0%)</title>');
    expect(html).toContain('<title>Chapter 61 — Apparel; knitted: 2 of 3 right (66.7%)</title>');
    expect(html.indexOf('Chapter 01 —')).toBeLessThan(html.indexOf('Chapter 61 —'));
  });

  it('escapes interpolated text', () => {
    const hostile = renderReport({
      ...input,
      variant: '<script>alert("x")</script>',
      chapterNames: { '01': 'Horses & <b>asses</b>' },
    });
    expect(hostile).not.toContain('<script>');
    expect(hostile).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(hostile).toContain('Horses &amp; &lt;b&gt;asses&lt;/b&gt;');
  });

  it('says so instead of drawing curves when there is no training history', () => {
    const bare = renderReport({ ...input, history: [], baseline: undefined });
    expect(count(bare, '<svg')).toBe(3);
    expect(bare).toContain('No training history');
    expect(bare).not.toContain('BM25 baseline');
  });
});
