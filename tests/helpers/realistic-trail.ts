import type { AuditRecord } from '../../runtime/core/audit';
import type { FeedbackRecord } from '../../runtime/core/feedback';
import { mulberry32 } from '../../runtime/stats/seeded-random';

/**
 * A deterministic audit trail shaped like a busy deployment's: a champion, a challenger that
 * starts mid-morning and is ramped two days later, a shadow scoring a fifth of the requests under
 * the same prediction ids, batches sharing one latency, a slow day for the champion, records from
 * before words were counted, the odd prediction without candidates and a line cut short by a
 * crash each day; and the feedback analysts gave, some of it parked without its prediction. The
 * same seed always gives the same bytes, so results computed from it can be fixed in a test.
 */
export interface TrailShape {
  seed: number;
  /** UTC days, oldest first. */
  days: string[];
  /** Requests a day (each one served record, plus a shadow record for about a fifth). */
  perDay: number;
  /** Share of served predictions that receive feedback. */
  feedbackRate: number;
}

export const TRAIL_MODELS = {
  champion: { variant: 'textcnn', version: 'textcnn-5f0c1e2d3a4b' },
  challenger: { variant: 'textcnn', version: 'textcnn-9a8b7c6d5e4f' },
  shadow: { variant: 'bigru', version: 'bigru-0123456789ab' },
};

/** When the challenger was added and when its weight last changed. */
export const trailExperiment = (shape: TrailShape) => ({
  since: `${shape.days[1]}T10:17:23.456Z`,
  weightSince: `${shape.days[Math.min(3, shape.days.length - 1)]}T13:00:00.001Z`,
});

const CHAPTERS = ['61', '62', '03', '84', '85', '39', '94', '64', '42', '73', '87', '90', '95', '22', '44'];
const SHA = (seed: number) => {
  const random = mulberry32(seed);
  return Array.from({ length: 8 }, () =>
    Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0'),
  ).join('');
};
const MODEL_SHA = { champion: SHA(1), challenger: SHA(2), shadow: SHA(3) };

export interface TrailDay {
  day: string;
  /** The day's file, line by line (newline included), generated as it is read. */
  lines: () => Generator<string>;
}

/** The trail one day at a time, and the feedback collected on it (filled as the lines are generated). */
export function realisticTrail(shape: TrailShape): { days: TrailDay[]; feedback: FeedbackRecord[] } {
  const feedback: FeedbackRecord[] = [];
  const { since, weightSince } = trailExperiment(shape);
  const days = shape.days.map((day, dayIndex): TrailDay => ({
    day,
    lines: function* () {
      const random = mulberry32(shape.seed * 1000 + dayIndex);
      const hex = (chars: number) => {
        let out = '';
        while (out.length < chars)
          out += Math.floor(random() * 2 ** 32)
            .toString(16)
            .padStart(8, '0');
        return out.slice(0, chars);
      };
      const start = Date.parse(`${day}T00:00:00.000Z`);
      const step = 86_400_000 / shape.perDay;
      let batchLeft = 0;
      let latency = 0;
      for (let i = 0; i < shape.perDay; i++) {
        const time = new Date(start + Math.floor(i * step + random() * step * 0.5)).toISOString();
        const share = time >= weightSince ? 0.5 : time >= since ? 0.2 : 0;
        const arm = random() < share ? 'challenger' : 'champion';
        const ref = TRAIL_MODELS[arm];
        if (batchLeft-- <= 0) {
          batchLeft = random() < 0.1 ? Math.floor(random() * 16) : 0;
          const slow = arm === 'champion' && dayIndex === 2 ? 3 : 1;
          latency =
            slow *
            0.12 *
            Math.exp(0.6 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
        }
        const chapter = CHAPTERS[
          Math.floor(random() ** (arm === 'challenger' ? 1.3 : 1.6) * CHAPTERS.length)
        ] as string;
        const confidence = Math.min(0.999, 0.25 + 0.75 * random() ** 0.5);
        const topK =
          random() < 0.001
            ? []
            : Array.from({ length: 5 }, (_, k) => ({
                hs6:
                  k === 0
                    ? `${chapter}${hex(4).replace(/[a-f]/g, '1')}`
                    : `${CHAPTERS[Math.floor(random() * CHAPTERS.length)]}${String(1000 + k).slice(0, 4)}`,
                probability: k === 0 ? confidence : ((1 - confidence) / 2) ** k,
              }));
        const words = 3 + Math.floor(random() * 10);
        const counted = !(dayIndex === 0 && random() < 0.05);
        const predictionId = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
        const record: AuditRecord = {
          predictionId,
          time,
          variant: ref.variant,
          version: ref.version,
          modelSha256: MODEL_SHA[arm],
          inputSha256: hex(64),
          topK,
          latencyMs: latency,
          needsReview: confidence < 0.5,
          ...(counted ? { words, unknownWords: random() < 0.1 ? 1 + Math.floor(random() * 2) : 0 } : {}),
        };
        yield `${JSON.stringify(record)}\n`;
        if (random() < 0.2) {
          const shadow: AuditRecord = {
            ...record,
            variant: TRAIL_MODELS.shadow.variant,
            version: TRAIL_MODELS.shadow.version,
            modelSha256: MODEL_SHA.shadow,
            latencyMs: latency * 1.7,
            shadow: true,
          };
          yield `${JSON.stringify(shadow)}\n`;
        }
        if (i === Math.floor(shape.perDay / 2)) yield `${JSON.stringify(record).slice(0, 57)}\n`;
        if (topK.length > 0 && random() < shape.feedbackRate) {
          const right = random() < (arm === 'challenger' ? 0.78 : 0.7);
          const top = topK[0]!.hs6;
          const hs6 = right ? top : `${CHAPTERS[(CHAPTERS.indexOf(chapter) + 1) % CHAPTERS.length]}0190`;
          const parked = random() < 0.2;
          feedback.push({
            schemaVersion: 1,
            predictionId,
            hs6,
            hs4: hs6.slice(0, 4),
            hs2: hs6.slice(0, 2),
            submittedCode: hs6,
            receivedAt: new Date(Date.parse(time) + Math.floor(random() * 30 * 3_600_000)).toISOString(),
            prediction: parked ? null : { variant: ref.variant, version: ref.version, time, topK },
          });
        }
      }
    },
  }));
  return { days, feedback };
}
