import { evaluatePolicies } from '../evaluate';
import { STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, UNKNOWN_OBJECT } from '../testing/run';
import { functionTracing } from './function-tracing';

describe('function-tracing', () => {
  itPassesEveryCompliantStack(functionTracing);

  it('refuses a Lambda without active X-Ray tracing', async () => {
    const stack = mutate(STACKS.aws(), 'api', (p) => delete p.tracingConfig);
    expect(await messagesOf(functionTracing, stack)).toEqual([
      "Lambda api has tracing mode 'PassThrough': set tracingConfig.mode to 'Active' so each invocation is traced in X-Ray.",
    ]);
  });

  it('refuses an Azure function app without an Application Insights connection string', async () => {
    const stack = mutate(STACKS.azure(), 'api', (p) => {
      p.siteConfig.appSettings = p.siteConfig.appSettings.filter(
        (s: { name: string }) => s.name !== 'APPLICATIONINSIGHTS_CONNECTION_STRING',
      );
    });
    expect(await messagesOf(functionTracing, stack)).toEqual([
      "Function app api has no APPLICATIONINSIGHTS_CONNECTION_STRING app setting: set it in siteConfig.appSettings from the stack's Application Insights component so invocations are traced.",
    ]);
  });

  it('judges only function apps among Azure web apps, and reports nothing while settings are unknown', async () => {
    const site = mutate(STACKS.azure(), 'api', (p) => {
      p.kind = 'app,linux';
      p.siteConfig.appSettings = [];
    });
    expect(await messagesOf(functionTracing, site)).toEqual([]);
    const unknown = mutate(STACKS.azure(), 'api', (p) => (p.siteConfig.appSettings = UNKNOWN_OBJECT));
    expect(await messagesOf(functionTracing, unknown)).toEqual([]);
  });

  it('declares itself not applicable to GCP functions, which Cloud Run traces', async () => {
    const gcpFunction = STACKS.gcp().filter((r) => r.name === 'api');
    // The engine records a not-applicable policy without a violation; the evaluator does the same.
    expect(await evaluatePolicies([functionTracing], gcpFunction)).toEqual([]);
    const notApplicable = (reason?: string): never => {
      throw new Error(reason);
    };
    const args = { type: gcpFunction[0]!.type, props: gcpFunction[0]!.props, name: 'api', notApplicable };
    const validate = functionTracing.validateResource as unknown as (a: typeof args, r: () => void) => void;
    expect(() => validate(args, () => {})).toThrow(
      'Cloud Functions (2nd gen) are traced by Cloud Run by default.',
    );
  });
});
