import { STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, UNKNOWN_STRING, without } from '../testing/run';
import { functionLogGroup } from './function-log-group';

const missing = (group: string) =>
  `Lambda api logs to ${group}, which this stack does not declare, so Lambda creates it without retention: declare an aws.cloudwatch.LogGroup named ${group} with retentionInDays, created before the function.`;

describe('function-log-group', () => {
  itPassesEveryCompliantStack(functionLogGroup);

  it('refuses a Lambda whose own log group the stack does not declare', async () => {
    expect(await messagesOf(functionLogGroup, without(STACKS.aws(), 'api-logs'))).toEqual([
      missing('/aws/lambda/hscode-api'),
    ]);
  });

  it('follows loggingConfig.logGroup to a shared log group', async () => {
    const shared = mutate(
      STACKS.aws(),
      'api',
      (p) => (p.loggingConfig = { logFormat: 'JSON', logGroup: '/hscode/functions' }),
    );
    expect(await messagesOf(functionLogGroup, shared)).toEqual([missing('/hscode/functions')]);
    const declared = mutate(shared, 'api-logs', (p) => (p.name = '/hscode/functions'));
    expect(await messagesOf(functionLogGroup, declared)).toEqual([]);
  });

  it('reports nothing while a function or log group name is unknown', async () => {
    const fn = mutate(STACKS.aws(), 'api', (p) => (p.name = UNKNOWN_STRING));
    const group = mutate(STACKS.aws(), 'api-logs', (p) => (p.name = UNKNOWN_STRING));
    expect(await messagesOf(functionLogGroup, fn)).toEqual([]);
    expect(await messagesOf(functionLogGroup, group)).toEqual([]);
  });
});
