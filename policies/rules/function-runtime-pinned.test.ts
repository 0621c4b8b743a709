import { STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, UNKNOWN_STRING } from '../testing/run';
import { functionRuntimePinned } from './function-runtime-pinned';

describe('function-runtime-pinned', () => {
  itPassesEveryCompliantStack(functionRuntimePinned);

  it('refuses a runtime outside the allowed list on every cloud', async () => {
    const aws = mutate(STACKS.aws(), 'api', (p) => (p.runtime = 'nodejs18.x'));
    expect(await messagesOf(functionRuntimePinned, aws)).toEqual([
      "Function api runs on 'nodejs18.x', which is not an allowed runtime: set runtime to one of nodejs20.x, nodejs22.x (the list is this stack's policy config).",
    ]);
    const gcp = mutate(STACKS.gcp(), 'retrain', (p) => delete p.buildConfig.runtime);
    expect(await messagesOf(functionRuntimePinned, gcp)).toEqual([
      "Function retrain runs on '(unset)', which is not an allowed runtime: set buildConfig.runtime to one of nodejs20, nodejs22 (the list is this stack's policy config).",
    ]);
    const azure = mutate(
      STACKS.azure(),
      'api',
      (p) => (p.functionAppConfig.runtime = { name: 'python', version: '3.11' }),
    );
    expect(await messagesOf(functionRuntimePinned, azure)).toEqual([
      "Function app api runs 'python', not Node.js: set functionAppConfig.runtime.name to 'node'.",
      "Function api runs on '3.11', which is not an allowed runtime: set functionAppConfig.runtime.version to one of 20, 22 (the list is this stack's policy config).",
    ]);
  });

  it("reads the allowed runtimes from the stack's policy config, and skips an unknown runtime", async () => {
    const stack = STACKS.aws();
    expect(await messagesOf(functionRuntimePinned, stack, { awsRuntimes: ['nodejs20.x'] })).toHaveLength(1);
    const unknown = mutate(stack, 'api', (p) => (p.runtime = UNKNOWN_STRING));
    expect(await messagesOf(functionRuntimePinned, unknown)).toEqual([]);
  });
});
