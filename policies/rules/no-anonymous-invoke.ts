import type { ResourceValidationPolicy } from '@pulumi/policy';
import { FUNCTION_ENV } from '../lib/contract';
import { ENV_PATH, functionCloud, functionEnv } from '../lib/functions';
import { publicGrants } from '../lib/gcp-iam';
import { at, UNKNOWN } from '../lib/known';

const GCP_INVOKE_IAM_TYPES = [
  'gcp:cloudfunctionsv2/functionIamMember:FunctionIamMember',
  'gcp:cloudfunctionsv2/functionIamBinding:FunctionIamBinding',
  'gcp:cloudfunctionsv2/functionIamPolicy:FunctionIamPolicy',
  'gcp:cloudrun/iamMember:IamMember',
  'gcp:cloudrun/iamBinding:IamBinding',
  'gcp:cloudrun/iamPolicy:IamPolicy',
  'gcp:cloudrunv2/serviceIamMember:ServiceIamMember',
  'gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding',
  'gcp:cloudrunv2/serviceIamPolicy:ServiceIamPolicy',
];

/** Why a resource lets anyone invoke a function, or undefined when it does not (or cannot tell). */
function anonymousAccess(type: string, props: Record<string, unknown>): string | undefined {
  const value = (...path: string[]) => at(props, ...path);
  if (type === 'aws:lambda/functionUrl:FunctionUrl') {
    const auth = value('authorizationType');
    return auth !== UNKNOWN && auth !== 'AWS_IAM' ? `has authorizationType '${String(auth)}'` : undefined;
  }
  if (type === 'aws:apigatewayv2/route:Route') {
    const auth = value('authorizationType') ?? 'NONE';
    return auth === 'NONE' ? `has authorizationType 'NONE'` : undefined;
  }
  if (type === 'aws:lambda/permission:Permission') {
    return value('principal') === '*' ? `grants invoke to principal '*'` : undefined;
  }
  if (!GCP_INVOKE_IAM_TYPES.includes(type)) return undefined;
  const members = publicGrants(props).map((g) => g.member);
  return members.length > 0 ? `grants ${[...new Set(members)].join(' and ')} access` : undefined;
}

export const noAnonymousInvoke: ResourceValidationPolicy = {
  name: 'no-anonymous-invoke',
  description:
    "No function can be invoked anonymously unless the stack allows public endpoints: AWS function URLs and HTTP API routes require IAM and no Lambda permission names principal '*', no GCP function or Cloud Run service grants allUsers or allAuthenticatedUsers, and every function's HSCODE_AUTH is 'iam'.",
  enforcementLevel: 'mandatory',
  configSchema: { properties: { allowPublicEndpoints: { type: 'boolean', default: false } } },
  validateResource: ({ type, props, name, getConfig }, reportViolation) => {
    const { allowPublicEndpoints } = getConfig<{ allowPublicEndpoints: boolean }>();
    const cloud = functionCloud(type, props);
    if (cloud !== undefined) {
      const auth = functionEnv(cloud, props, FUNCTION_ENV.auth);
      const allowed = allowPublicEndpoints ? ['iam', 'public'] : ['iam'];
      if (auth !== UNKNOWN && !allowed.includes(auth ?? '')) {
        reportViolation(
          `Function ${name} has ${FUNCTION_ENV.auth} '${auth ?? '(unset)'}': set ${ENV_PATH[cloud]} ${FUNCTION_ENV.auth} to 'iam'${allowPublicEndpoints ? " or 'public'" : ", or set allowPublicEndpoints true in this stack's policy config if it is meant to be public"}.`,
        );
      }
      return;
    }
    const why = allowPublicEndpoints ? undefined : anonymousAccess(type, props);
    if (why !== undefined) {
      reportViolation(
        `${name} ${why}, so anyone can invoke the function: require IAM (AWS_IAM, a JWT or IAM authorizer, or named members such as a service account), or set allowPublicEndpoints true in this stack's policy config if it is meant to be public.`,
      );
    }
  },
};
