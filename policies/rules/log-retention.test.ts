import { STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, UNKNOWN_STRING } from '../testing/run';
import { logRetention } from './log-retention';

describe('log-retention', () => {
  itPassesEveryCompliantStack(logRetention);

  it('refuses an AWS log group that never expires', async () => {
    const fix =
      "set retentionInDays to at least 30 (or lower minimumRetentionDays in this stack's policy config)";
    for (const never of [undefined, 0]) {
      const stack = mutate(STACKS.aws(), 'api-logs', (p) => (p.retentionInDays = never));
      expect(await messagesOf(logRetention, stack)).toEqual([
        `Log group api-logs never expires its logs (retentionInDays is unset or 0): ${fix}.`,
      ]);
    }
  });

  it('refuses a retention below the minimum on every cloud', async () => {
    const gcp = mutate(STACKS.gcp(), 'logs', (p) => (p.retentionDays = 29));
    expect(await messagesOf(logRetention, gcp)).toEqual([
      "logs keeps logs for 29 days, fewer than the 30 required: set retentionDays to at least 30 (or lower minimumRetentionDays in this stack's policy config).",
    ]);
    const azure = mutate(STACKS.azure(), 'logs', (p) => (p.retentionInDays = 7));
    expect(await messagesOf(logRetention, azure)).toEqual([
      "logs keeps logs for 7 days, fewer than the 30 required: set retentionInDays to at least 30 (or lower minimumRetentionDays in this stack's policy config).",
    ]);
  });

  it("reads the minimum from the stack's policy config, and knows GCP and Azure default to 30 days", async () => {
    const aws = STACKS.aws();
    expect(await messagesOf(logRetention, aws, { minimumRetentionDays: 30 })).toEqual([]);
    expect(await messagesOf(logRetention, aws, { minimumRetentionDays: 31 })).toHaveLength(1);
    const unset = mutate(STACKS.gcp(), 'logs', (p) => delete p.retentionDays);
    expect(await messagesOf(logRetention, unset)).toEqual([]);
    expect(await messagesOf(logRetention, unset, { minimumRetentionDays: 90 })).toEqual([
      "logs leaves retentionDays unset, which keeps logs 30 days, fewer than the 90 required: set retentionDays to at least 90 (or lower minimumRetentionDays in this stack's policy config).",
    ]);
  });

  it('reports nothing while the retention is unknown', async () => {
    const stack = mutate(STACKS.aws(), 'api-logs', (p) => (p.retentionInDays = UNKNOWN_STRING));
    expect(await messagesOf(logRetention, stack)).toEqual([]);
  });
});
