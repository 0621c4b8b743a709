import { FUNCTION_ENV, FUNCTION_ROLES, JOB_SCHEDULE, type FunctionRole } from '../models/deployment';
import type { Cloud } from './config';
import type { Plan } from './plan';
import { ofType, planIsolated, stackConfig, workspace, type Props, type Workspace } from './test-fixtures';

/**
 * One suite over the three clouds: the same functions, environment and schedule everywhere, and
 * each function deploying exactly the bundle its index file describes.
 */

interface Deployed {
  env: Record<string, string>;
  /** The object or blob key its code comes from. */
  codeKey: string;
}

const readers: Record<Cloud, (plan: Plan, stack: string) => Record<FunctionRole, Deployed>> = {
  aws: (plan, stack) =>
    Object.fromEntries(
      FUNCTION_ROLES.map((role) => {
        const fn = ofType(plan, 'aws:lambda/function:Function').find(
          (f) => f.props.name === `hscode-${stack}-${role}`,
        )?.props as Props;
        return [role, { env: fn.environment.variables, codeKey: fn.s3Key }];
      }),
    ) as Record<FunctionRole, Deployed>,
  gcp: (plan, stack) =>
    Object.fromEntries(
      FUNCTION_ROLES.map((role) => {
        const fn = ofType(plan, 'gcp:cloudfunctionsv2/function:Function').find(
          (f) => f.props.name === `hscode-${stack}-${role}`,
        )?.props as Props;
        return [
          role,
          { env: fn.serviceConfig.environmentVariables, codeKey: fn.buildConfig.source.storageSource.object },
        ];
      }),
    ) as Record<FunctionRole, Deployed>,
  azure: (plan, stack) =>
    Object.fromEntries(
      FUNCTION_ROLES.map((role) => {
        const app = ofType(plan, 'azure-native:web:WebApp').find((a) =>
          String(a.props.name).startsWith(`hscode-${stack}-${role}-`),
        )?.props as Props;
        const settings = Object.fromEntries(
          (app.siteConfig.appSettings as Props[]).map((s) => [s.name, s.value]),
        );
        const container = String(app.functionAppConfig.deployment.storage.value).split('/').pop();
        const pkg = ofType(plan, 'azure-native:storage:Blob').find((b) => b.props.containerName === container)
          ?.props as Props;
        return [role, { env: settings, codeKey: pkg.blobName }];
      }),
    ) as Record<FunctionRole, Deployed>,
};

const schedules: Record<Cloud, (plan: Plan) => number> = {
  aws: (plan) =>
    Number(
      /rate\((\d+) minutes?\)/.exec(
        ofType(plan, 'aws:scheduler/schedule:Schedule')[0]?.props.scheduleExpression,
      )?.[1],
    ),
  gcp: (plan) =>
    Number(/^\*\/(\d+) /.exec(ofType(plan, 'gcp:cloudscheduler/job:Job')[0]?.props.schedule)?.[1]),
  azure: (plan) => {
    const app = ofType(plan, 'azure-native:web:WebApp').find((a) =>
      (a.props.siteConfig.appSettings as Props[]).some((s) => s.name === 'HSCODE_JOBS_SCHEDULE'),
    );
    const value = (app?.props.siteConfig.appSettings as Props[]).find(
      (s) => s.name === 'HSCODE_JOBS_SCHEDULE',
    )?.value;
    return Number(/^0 \*\/(\d+) /.exec(value)?.[1]);
  },
};

const CLOUDS: Cloud[] = ['aws', 'gcp', 'azure'];
const plans = new Map<Cloud, { plan: Plan; ws: Workspace }>();

beforeAll(async () => {
  for (const cloud of CLOUDS) {
    const ws = workspace(cloud);
    plans.set(cloud, { ws, plan: await planIsolated(stackConfig(cloud, ws), { stack: 'same' }) });
  }
});

const deployedOn = (cloud: Cloud) => {
  const entry = plans.get(cloud);
  if (!entry) throw new Error(`${cloud} was not planned`);
  return { ...entry, functions: readers[cloud](entry.plan, 'same') };
};

test.each(CLOUDS)('%s deploys every function role, each from exactly its bundle index sha256', (cloud) => {
  const { ws, functions } = deployedOn(cloud);
  expect(Object.keys(functions).sort()).toEqual([...FUNCTION_ROLES].sort());
  for (const role of FUNCTION_ROLES) {
    const bundle = role === 'retrain' ? ws.bundles.retrain : ws.bundles.predict;
    expect(functions[role].codeKey).toBe(`functions/${bundle.sha256}.zip`);
  }
});

test('every cloud gives every function the same environment names and model values', () => {
  const reference = deployedOn('aws');
  for (const cloud of CLOUDS) {
    const { functions, ws } = deployedOn(cloud);
    for (const role of FUNCTION_ROLES) {
      const env = functions[role].env;
      for (const name of Object.values(FUNCTION_ENV)) expect(env[name]).toBeDefined();
      for (const name of [FUNCTION_ENV.modelVariant, FUNCTION_ENV.auth, FUNCTION_ENV.recordText]) {
        expect(env[name]).toBe(reference.functions[role].env[name]);
      }
      expect(env[FUNCTION_ENV.modelSha256]).toBe(ws.manifest.onnx.sha256);
      expect(env[FUNCTION_ENV.modelVersion]).toBe(ws.manifest.version);
    }
  }
});

test('every cloud runs the jobs function on the one schedule in models/deployment.ts', () => {
  for (const cloud of CLOUDS)
    expect(schedules[cloud](deployedOn(cloud).plan)).toBe(JOB_SCHEDULE.promoteEveryMinutes);
});
