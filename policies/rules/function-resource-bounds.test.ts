import { STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, UNKNOWN_STRING } from '../testing/run';
import { functionResourceBounds } from './function-resource-bounds';

const FIX = "(or change the bounds in this stack's policy config)";

describe('function-resource-bounds', () => {
  itPassesEveryCompliantStack(functionResourceBounds);

  it('refuses AWS memory outside 128-4096 MB and a timeout over 900 s', async () => {
    const stack = mutate(STACKS.aws(), 'api', (p) => {
      p.memorySize = 10240;
      p.timeout = 901;
    });
    expect(await messagesOf(functionResourceBounds, stack)).toEqual([
      `Function api has memorySize 10240: keep it between 128 and 4096 MB ${FIX}.`,
      `Function api has timeout 901 s, over the 900 s allowed: lower it to 900 or less ${FIX}.`,
    ]);
    expect(
      await messagesOf(functionResourceBounds, stack, { maxMemoryMb: 10240, awsMaxTimeoutSeconds: 901 }),
    ).toEqual([]);
  });

  it('holds GCP event functions to 540 s and HTTP ones to 3600 s, and reads memory units', async () => {
    const event = mutate(STACKS.gcp(), 'retrain', (p) => (p.serviceConfig.timeoutSeconds = 541));
    expect(await messagesOf(functionResourceBounds, event)).toEqual([
      `Function retrain has serviceConfig.timeoutSeconds 541 s, over the 540 s allowed: lower it to 540 or less ${FIX}.`,
    ]);
    const http = mutate(STACKS.gcp(), 'api', (p) => (p.serviceConfig.timeoutSeconds = 3600));
    expect(await messagesOf(functionResourceBounds, http)).toEqual([]);
    for (const [memory, ok] of [
      ['4Gi', true],
      ['4G', true],
      ['8Gi', false],
      ['64M', false],
      ['lots', false],
    ] as const) {
      const stack = mutate(STACKS.gcp(), 'api', (p) => (p.serviceConfig.availableMemory = memory));
      expect(await messagesOf(functionResourceBounds, stack)).toEqual(
        ok
          ? []
          : [
              `Function api has serviceConfig.availableMemory ${memory}: keep it between 128 and 4096 MB ${FIX}.`,
            ],
      );
    }
  });

  it('refuses an Azure Flex instance size other than 512, 2048 or 4096 MB', async () => {
    const stack = mutate(
      STACKS.azure(),
      'api',
      (p) => (p.functionAppConfig.scaleAndConcurrency.instanceMemoryMB = 1024),
    );
    expect(await messagesOf(functionResourceBounds, stack)).toEqual([
      `Function app api has instanceMemoryMB 1024: use one of 512, 2048, 4096 ${FIX}.`,
    ]);
  });

  it('reports nothing while a size or a trigger is unknown', async () => {
    const aws = mutate(STACKS.aws(), 'api', (p) => (p.memorySize = UNKNOWN_STRING));
    const gcp = mutate(STACKS.gcp(), 'retrain', (p) => {
      p.eventTrigger = UNKNOWN_STRING;
      p.serviceConfig.timeoutSeconds = 3000;
    });
    expect(await messagesOf(functionResourceBounds, [...aws, ...gcp])).toEqual([]);
  });
});
