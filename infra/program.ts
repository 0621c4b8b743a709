import type { BundleRole } from '../models/deployment';
import type { Bundle } from './bundles';
import type { StackConfig } from './config';
import { estimateCost } from './cost';
import type { LocalArtifact } from './model-artifact';
import type { FunctionArgs, ModelStore, Platform } from './platform';
import { codeObjects, storeObjects } from './publication';
import { environment, functionSpecs, tags as tagsFor, type FunctionSpec, type PinnedModel } from './spec';

export interface ProgramInputs {
  config: StackConfig;
  bundles: Record<BundleRole, Bundle>;
  /** The artifact being published, when model.artifact is set. */
  artifact?: LocalArtifact;
  project: string;
  stack: string;
}

/** The model every function pins: the published artifact's, or the one the config names. */
export function pinnedModel(config: StackConfig, artifact: LocalArtifact | undefined): PinnedModel {
  if (artifact) {
    return {
      variant: artifact.manifest.variant,
      version: artifact.manifest.version,
      sha256: artifact.manifest.onnx.sha256,
    };
  }
  if (!config.model.version || !config.model.sha256) {
    throw new Error('model.version and model.sha256 are required when model.artifact is not set');
  }
  return { variant: config.model.variant, version: config.model.version, sha256: config.model.sha256 };
}

/**
 * Composes the deployment from the platform's five parts; the same code for every cloud. The
 * order is the order of dependencies: the store (with the model, the registry seed and the code),
 * then the functions, then monitoring over them.
 */
export function deploy<S extends ModelStore>(platform: Platform<S>, inputs: ProgramInputs) {
  const { config, bundles, artifact } = inputs;
  const model = pinnedModel(config, artifact);
  const tags = tagsFor(config, model);
  const env = environment(config, model);
  const code = codeObjects(bundles);

  const store = platform.modelStore('store', {
    objects: storeObjects(model, config.model, artifact, `pulumi:${inputs.project}/${inputs.stack}`),
    code,
    tags,
  });

  const specs = functionSpecs(config);
  const argsFor = (spec: FunctionSpec): FunctionArgs<S> => {
    const handler = bundles[spec.bundle].handlers[spec.role];
    if (!handler)
      throw new Error(`the ${spec.bundle} bundle names no handler for ${spec.role}: rebuild the bundles`);
    return {
      spec,
      store,
      code: code[spec.bundle],
      handler,
      environment: env,
      tags,
      logRetentionDays: config.logRetentionDays,
    };
  };
  const byKind = (kind: FunctionSpec['trigger']['kind']) =>
    specs.filter((s) => s.trigger.kind === kind).map(argsFor);
  const [apiArgs] = byKind('http');
  const [jobsArgs] = byKind('schedule');
  if (!apiArgs || !jobsArgs) throw new Error('the spec must hold one HTTP and one scheduled function');

  const api = platform.httpFunction('api', { ...apiArgs, auth: config.auth, invokers: config.invokers });
  const objectFns = platform.objectFunctions('events', { store, functions: byKind('object-created') });
  const jobs = platform.scheduledFunction('jobs', jobsArgs);
  const functions = [api.deployed, ...objectFns.deployed, jobs.deployed];

  const monitoring = platform.monitoring('monitoring', {
    functions,
    alarms: config.alarms,
    logRetentionDays: config.logRetentionDays,
    tags,
  });

  return {
    cloud: platform.cloud,
    endpointUrl: api.url,
    storeName: store.storeName,
    storeUrl: store.storeUrl,
    storeConsoleUrl: store.consoleUrl,
    model,
    bundleSha256: { predict: bundles.predict.sha256, retrain: bundles.retrain.sha256 },
    functions: Object.fromEntries(functions.map((f) => [f.role, f.functionName])),
    functionLogs: Object.fromEntries(functions.map((f) => [f.role, f.logsUrl])),
    jobSchedule: jobs.schedule,
    logsUrl: monitoring.logsUrl,
    dashboardUrl: monitoring.dashboardUrl,
    alarms: monitoring.alarmNames,
    estimatedCost: estimateCost(platform.cloud, config.sla.api, config.cost.requestMs, config.arch),
  } satisfies Record<string, unknown>;
}

export type ProgramOutputs = ReturnType<typeof deploy>;
