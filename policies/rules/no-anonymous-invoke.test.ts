import { STACKS } from '../testing/baselines';
import { itPassesEveryCompliantStack, messagesOf, mutate, UNKNOWN_STRING } from '../testing/run';
import { noAnonymousInvoke } from './no-anonymous-invoke';

const ALLOW =
  "require IAM (AWS_IAM, a JWT or IAM authorizer, or named members such as a service account), or set allowPublicEndpoints true in this stack's policy config if it is meant to be public.";
const PUBLIC = { allowPublicEndpoints: true };

describe('no-anonymous-invoke', () => {
  itPassesEveryCompliantStack(noAnonymousInvoke);

  it('refuses a Lambda function URL without IAM auth, unless the stack allows public endpoints', async () => {
    const stack = mutate(STACKS.aws(), 'api-url', (p) => (p.authorizationType = 'NONE'));
    expect(await messagesOf(noAnonymousInvoke, stack)).toEqual([
      `api-url has authorizationType 'NONE', so anyone can invoke the function: ${ALLOW}`,
    ]);
    expect(await messagesOf(noAnonymousInvoke, stack, PUBLIC)).toEqual([]);
  });

  it("refuses an HTTP API route without an authorizer and a Lambda permission for principal '*'", async () => {
    const records = [
      {
        type: 'aws:apigatewayv2/route:Route',
        name: 'route',
        props: { apiId: 'a', routeKey: 'POST /v1/predict' },
      },
      {
        type: 'aws:apigatewayv2/route:Route',
        name: 'iam-route',
        props: { apiId: 'a', routeKey: 'GET /', authorizationType: 'AWS_IAM' },
      },
      {
        type: 'aws:lambda/permission:Permission',
        name: 'anyone',
        props: { action: 'lambda:InvokeFunctionUrl', function: 'f', principal: '*' },
      },
    ];
    expect(await messagesOf(noAnonymousInvoke, records)).toEqual([
      `route has authorizationType 'NONE', so anyone can invoke the function: ${ALLOW}`,
      `anyone grants invoke to principal '*', so anyone can invoke the function: ${ALLOW}`,
    ]);
  });

  it('refuses allUsers or allAuthenticatedUsers on a GCP function or its Cloud Run service', async () => {
    const stack = mutate(STACKS.gcp(), 'api-invoker', (p) => (p.member = 'allUsers'));
    expect(await messagesOf(noAnonymousInvoke, stack)).toEqual([
      `api-invoker grants allUsers access, so anyone can invoke the function: ${ALLOW}`,
    ]);
    const binding = {
      type: 'gcp:cloudfunctionsv2/functionIamBinding:FunctionIamBinding',
      name: 'fn-binding',
      props: { cloudFunction: 'f', role: 'roles/cloudfunctions.invoker', members: ['allAuthenticatedUsers'] },
    };
    expect(await messagesOf(noAnonymousInvoke, [binding])).toEqual([
      `fn-binding grants allAuthenticatedUsers access, so anyone can invoke the function: ${ALLOW}`,
    ]);
  });

  it("refuses a function whose HSCODE_AUTH is not 'iam', on every cloud", async () => {
    const aws = mutate(STACKS.aws(), 'api', (p) => (p.environment.variables.HSCODE_AUTH = 'public'));
    expect(await messagesOf(noAnonymousInvoke, aws)).toEqual([
      "Function api has HSCODE_AUTH 'public': set environment.variables HSCODE_AUTH to 'iam', or set allowPublicEndpoints true in this stack's policy config if it is meant to be public.",
    ]);
    expect(await messagesOf(noAnonymousInvoke, aws, PUBLIC)).toEqual([]);
    const gcp = mutate(
      STACKS.gcp(),
      'retrain',
      (p) => delete p.serviceConfig.environmentVariables.HSCODE_AUTH,
    );
    expect(await messagesOf(noAnonymousInvoke, gcp, PUBLIC)).toEqual([
      "Function retrain has HSCODE_AUTH '(unset)': set serviceConfig.environmentVariables HSCODE_AUTH to 'iam' or 'public'.",
    ]);
    const azure = mutate(STACKS.azure(), 'api', (p) => (p.siteConfig.appSettings[2].value = 'public'));
    expect(await messagesOf(noAnonymousInvoke, azure)).toEqual([
      "Function api has HSCODE_AUTH 'public': set siteConfig.appSettings HSCODE_AUTH to 'iam', or set allowPublicEndpoints true in this stack's policy config if it is meant to be public.",
    ]);
  });

  it('reports nothing while the setting or the member is unknown', async () => {
    const setting = mutate(
      STACKS.aws(),
      'api',
      (p) => (p.environment.variables.HSCODE_AUTH = UNKNOWN_STRING),
    );
    const member = mutate(STACKS.gcp(), 'api-invoker', (p) => (p.member = UNKNOWN_STRING));
    const azureName = mutate(STACKS.azure(), 'api', (p) => {
      p.siteConfig.appSettings[2].name = UNKNOWN_STRING;
    });
    expect(await messagesOf(noAnonymousInvoke, [...setting, ...member, ...azureName])).toEqual([]);
  });
});
