import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeedbackRecord } from '../runtime/core/feedback';
import { LocalAuditTrail } from '../runtime/jobs/local-audit-trail';
import {
  liveOutcomes,
  matchPredictions,
  unmatchedIds,
  type LiveOutcomes,
} from '../runtime/jobs/live-outcomes';
import { counts, operations } from '../runtime/jobs/promote';
import { modelDrift } from '../runtime/monitoring/model-drift';
import type { DriftBaseline, LiveWindow } from '../runtime/stats/drift';
import { checkGuardrails } from '../runtime/stats/guardrails';
import { decideRamp } from '../runtime/stats/ramp';
import { sequentialTest } from '../runtime/stats/sequential-test';
import type { ModelRef } from '../models/model-ref';
import {
  readAllRecords,
  referenceArm,
  referenceLiveWindow,
  referenceMatch,
  referenceNewest,
  referenceOutcomes,
} from './helpers/audit-reference';
import { realisticTrail, TRAIL_MODELS, trailExperiment, type TrailShape } from './helpers/realistic-trail';

/**
 * What the promote job, the drift check and the dashboard compute from a realistic week of audit
 * records and feedback, by the running aggregates and by the computations that held every record
 * (tests/helpers/audit-reference.ts): the same numbers, hence the same decisions, and both the
 * numbers fixed in tests/fixtures/audit-window-expected.json.
 */

jest.setTimeout(60_000);

const SHAPE: TrailShape = {
  seed: 11,
  days: ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30'],
  perDay: 3000,
  feedbackRate: 0.06,
};
const EXPECTED = join(__dirname, 'fixtures', 'audit-window-expected.json');
const BASELINE: DriftBaseline = {
  n: 4000,
  chapterDistribution: Object.fromEntries(
    ['61', '62', '03', '84', '85', '39', '94', '64', '42', '73', '87', '90', '95', '22', '44'].map((c, i) => [
      c,
      (15 - i) / 120,
    ]),
  ),
  confidenceHistogram: [0, 0, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.2, 0.2],
  unknownWordRate: 0.03,
};
const { champion, challenger, shadow } = TRAIL_MODELS;
const { since, weightSince } = trailExperiment(SHAPE);

interface Arm {
  n: number;
  successes: number;
  requests: number;
  errors: number;
  latencyP99Ms: number;
}

/** The decisions the promote job takes from the two arms' evidence. */
function decide(arms: { champion: Arm; challenger: Arm }, atWeight: Arm) {
  const test = sequentialTest(
    { champion: arms.champion, challenger: arms.challenger },
    { minSamplesPerArm: 100 },
  );
  const guardrails = checkGuardrails({ champion: arms.champion, challenger: arms.challenger });
  const ramp = decideRamp({ weight: 0.5, samplesAtWeight: atWeight.n, test, guardrails });
  return { test, guardrails, ramp };
}

function document(parts: {
  window: { records: number; first: string | null; last: string | null };
  outcomes: Map<string, LiveOutcomes>;
  drift: Record<string, LiveWindow>;
  newest: LiveWindow;
  arm: (ref: ModelRef, from: string) => Arm;
}) {
  const arms = Object.fromEntries(
    [
      ['all', ''],
      ['since', since],
      ['weightSince', weightSince],
    ].map(([name, from]) => [
      name,
      { champion: parts.arm(champion, from as string), challenger: parts.arm(challenger, from as string) },
    ]),
  );
  // JSON, as decisions are recorded: NaN and null alike are null.
  return JSON.parse(
    JSON.stringify({
      window: parts.window,
      outcomes: [...parts.outcomes.entries()],
      drift: Object.fromEntries(
        Object.entries(parts.drift).map(([k, live]) => [k, modelDrift(BASELINE, live)]),
      ),
      driftCheck: modelDrift(BASELINE, parts.newest),
      arms,
      decision: decide(arms.since, arms.weightSince.challenger),
    }),
  ) as unknown;
}

let home: string;
let feedback: FeedbackRecord[];

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'hscode-equivalence-'));
  mkdirSync(join(home, 'audit'));
  const trail = realisticTrail(SHAPE);
  for (const { day, lines } of trail.days)
    writeFileSync(join(home, 'audit', `${day}.jsonl`), [...lines()].join(''));
  feedback = [
    ...trail.feedback,
    // Parked feedback about predictions the window does not hold.
    ...['0f0f0f0f-0000-4000-a000-000000000001', '0f0f0f0f-0000-4000-a000-000000000002'].map(
      (predictionId): FeedbackRecord => ({
        schemaVersion: 1,
        predictionId,
        hs6: '610910',
        hs4: '6109',
        hs2: '61',
        submittedCode: '610910',
        receivedAt: '2026-11-30T09:00:00.000Z',
        prediction: null,
      }),
    ),
  ];
});

async function fromAggregates() {
  const window = await new LocalAuditTrail(home, 7).window({
    cuts: [since, weightSince],
    confidenceBins: [BASELINE.confidenceHistogram.length],
    newest: 2000,
    predictionIds: unmatchedIds(feedback),
  });
  const matched = matchPredictions(feedback, window);
  const arms = new Map<string, Arm>();
  for (const ref of [champion, challenger]) {
    for (const from of ['', since, weightSince]) {
      arms.set(`${ref.version}@${from}`, {
        ...counts(matched, ref, from),
        ...(await operations(window, ref, from)),
      });
    }
  }
  const bins = BASELINE.confidenceHistogram.length;
  return document({
    window: { records: window.records, first: window.firstPrediction, last: window.lastPrediction },
    outcomes: await liveOutcomes(matched, window),
    drift: {
      champion: window.liveWindow(champion, bins),
      challenger: window.liveWindow(challenger, bins),
      shadow: window.liveWindow(shadow, bins),
    },
    newest: window.newestServed(champion, 2000),
    arm: (ref, from) => arms.get(`${ref.version}@${from}`) as Arm,
  });
}

async function fromRecords() {
  const records = await readAllRecords(home, 7);
  const matched = referenceMatch(feedback, records);
  const times = records.map((r) => r.time).sort();
  const of = (ref: ModelRef) => records.filter((r) => r.variant === ref.variant && r.version === ref.version);
  return document({
    window: { records: records.length, first: times[0] ?? null, last: times[times.length - 1] ?? null },
    outcomes: referenceOutcomes(matched, records),
    drift: {
      champion: referenceLiveWindow(of(champion)),
      challenger: referenceLiveWindow(of(challenger)),
      shadow: referenceLiveWindow(of(shadow)),
    },
    newest: referenceNewest(records, champion, 2000),
    arm: (ref, from) => referenceArm(matched, records, ref, from),
  });
}

describe('the audit window as running aggregates', () => {
  it('computes what holding every record computed, on a realistic week', async () => {
    const aggregated = await fromAggregates();
    const held = await fromRecords();
    if (process.env.WRITE_EXPECTED) writeFileSync(EXPECTED, `${JSON.stringify(held, null, 2)}\n`);
    expect(aggregated).toEqual(held);
  });

  it('gives the fixed expected numbers and decisions', async () => {
    const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as unknown;
    expect(await fromAggregates()).toEqual(expected);
  });
});
