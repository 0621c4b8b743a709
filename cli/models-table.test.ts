import type { HistoryEntry } from '../runtime/registry/history';
import { summariseDetails } from './models-table';

/** A decision as the promote job records it: its reason and the numbers behind it. */
const promoted = {
  seq: 7,
  type: 'promoted',
  actor: 'scheduled-jobs',
  subject: { variant: 'textcnn', version: 'textcnn-000000000002' },
  details: {
    reason: 'significantly better',
    weight: 0.5,
    previousChampion: { variant: 'textcnn', version: 'textcnn-000000000001' },
    onnxSha256: 'a'.repeat(64),
    stats: { nChampion: 240, nChallenger: 251, accChampion: 0.5, accChallenger: 0.9, ci: [0.31, 0.49] },
    guardrails: { latencyP99Ms: 12.5, errorRate: 0 },
  },
} as unknown as HistoryEntry;

describe('summariseDetails', () => {
  it('shows the evidence behind a decision, nested numbers included, and no hashes', () => {
    const line = summariseDetails(promoted);
    expect(line.split(' · ')).toEqual([
      'significantly better',
      'weight 50.0%',
      'replaced textcnn-000000000001',
      'nChampion 240',
      'nChallenger 251',
      'accChampion 0.5',
      'accChallenger 0.9',
      'ci [0.31, 0.49]',
      'guardrails.latencyP99Ms 12.5',
      'guardrails.errorRate 0',
    ]);
    expect(line).not.toContain('a'.repeat(12));
  });
});
