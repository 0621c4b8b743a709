import {
  BATCH_OUTPUT_PREFIX,
  BUNDLE_OF,
  FUNCTION_ENV,
  FUNCTION_ROLES,
  JOB_SCHEDULE,
  TAG_KEYS,
  TRIGGER_PREFIXES,
  type BundleRole,
  type FunctionRole,
  OPTIONAL_FUNCTION_ENV,
} from '../models/deployment';
import { storeKeys } from '../models/store-layout';
import type { FunctionSla, StackConfig } from './config';

/**
 * What every cloud deploys, decided once and in neutral terms: which functions, what starts each,
 * which bundle carries it, its environment, its tags and exactly which store prefixes it may touch.
 * Each cloud folder only translates this; none decides any of it again.
 */

/** The store's top-level prefixes the functions use. */
export const PREFIX = {
  models: 'models/',
  registry: 'registry/',
  audit: 'audit/',
  feedback: 'feedback/',
  incoming: storeKeys.incomingData,
  rejects: 'data/rejects/',
  jobs: 'jobs/',
  batchIn: TRIGGER_PREFIXES.batch,
  batchOut: BATCH_OUTPUT_PREFIX,
  /** Function code, named by content (`functions/<sha256>.zip`): read by the cloud, never by a function. */
  functions: 'functions/',
} as const;

/**
 * Neutral verbs over prefixes. `read` = get objects and list keys under the prefix; `write` =
 * create or replace objects under it; `delete` = remove them. Nothing outside these prefixes.
 */
export interface Access {
  read: readonly string[];
  write: readonly string[];
  delete: readonly string[];
}

/** THE permission table: every cloud's identities are translated from this and nothing else. */
export const ACCESS: Readonly<Record<FunctionRole, Access>> = {
  // Serves predictions (reads the model and routing), writes audit and feedback records, and
  // reads audit records to find the prediction a feedback event rates.
  api: {
    read: [PREFIX.models, PREFIX.registry, PREFIX.audit],
    write: [PREFIX.audit, PREFIX.feedback],
    delete: [],
  },
  batch: {
    read: [PREFIX.batchIn, PREFIX.models, PREFIX.registry],
    write: [PREFIX.batchOut, PREFIX.audit],
    delete: [],
  },
  // Trains on new data and feedback, gates against the champion, registers a challenger; claims
  // each input under jobs/ and keeps rejected rows under data/rejects/.
  retrain: {
    read: [PREFIX.incoming, PREFIX.feedback, PREFIX.models, PREFIX.registry, PREFIX.audit],
    write: [PREFIX.models, PREFIX.registry, PREFIX.jobs, PREFIX.rejects],
    delete: [],
  },
  // Promote and drift: reads the evidence, writes registry decisions (and applies pending
  // registrations), queues feedback for retraining under data/incoming/.
  jobs: {
    read: [PREFIX.audit, PREFIX.feedback, PREFIX.models, PREFIX.registry],
    write: [PREFIX.registry, PREFIX.incoming],
    delete: [],
  },
};

export type Trigger =
  { kind: 'http' } | { kind: 'object-created'; prefix: string } | { kind: 'schedule'; everyMinutes: number };

export const TRIGGERS: Readonly<Record<FunctionRole, Trigger>> = {
  api: { kind: 'http' },
  batch: { kind: 'object-created', prefix: TRIGGER_PREFIXES.batch },
  retrain: { kind: 'object-created', prefix: TRIGGER_PREFIXES.retrain },
  jobs: { kind: 'schedule', everyMinutes: JOB_SCHEDULE.promoteEveryMinutes },
};

/** The job schedule in each cloud's own syntax, from the one interval. */
export function scheduleExpressions(everyMinutes: number) {
  if (!Number.isInteger(everyMinutes) || everyMinutes < 1 || everyMinutes > 59) {
    throw new Error(
      `a job interval of ${everyMinutes} minutes cannot be written as a cron step: use 1 to 59`,
    );
  }
  return {
    /** EventBridge Scheduler. */
    aws: everyMinutes === 1 ? 'rate(1 minute)' : `rate(${everyMinutes} minutes)`,
    /** Cloud Scheduler (unix cron). */
    gcp: `*/${everyMinutes} * * * *`,
    /** Azure Functions timer trigger (NCRONTAB, with seconds). */
    azure: `0 */${everyMinutes} * * * *`,
  };
}

/**
 * Azure timer triggers read their schedule from this app setting (`%HSCODE_JOBS_SCHEDULE%` in the
 * trigger), so the interval is still decided by JOB_SCHEDULE alone.
 */
export const AZURE_SCHEDULE_SETTING = OPTIONAL_FUNCTION_ENV.jobsSchedule;

/** The model every function pins: what the deployment published or named. */
export interface PinnedModel {
  variant: string;
  version: string;
  sha256: string;
}

/** The environment every function gets; the store URL is the cloud's (see FUNCTION_ENV.store). */
export function environment(config: StackConfig, model: PinnedModel): Record<string, string> {
  return {
    [FUNCTION_ENV.modelVariant]: model.variant,
    [FUNCTION_ENV.modelVersion]: model.version,
    [FUNCTION_ENV.modelSha256]: model.sha256,
    [FUNCTION_ENV.auth]: config.auth,
    [FUNCTION_ENV.recordText]: config.recordText ? '1' : '0',
  };
}

/** Tags every taggable resource carries, before any cloud's own value rules. */
export function tags(config: StackConfig, model: PinnedModel): Record<string, string> {
  return {
    [TAG_KEYS.owner]: config.tags.owner,
    [TAG_KEYS.costCentre]: config.tags.costCentre,
    [TAG_KEYS.dataClassification]: config.tags.dataClassification,
    [TAG_KEYS.modelVariant]: model.variant,
    [TAG_KEYS.modelSha256]: model.sha256,
  };
}

export interface FunctionSpec {
  role: FunctionRole;
  bundle: BundleRole;
  trigger: Trigger;
  access: Access;
  sla: FunctionSla;
}

/** One spec per function role, in FUNCTION_ROLES order. */
export function functionSpecs(config: StackConfig): FunctionSpec[] {
  return FUNCTION_ROLES.map((role) => ({
    role,
    bundle: BUNDLE_OF[role],
    trigger: TRIGGERS[role],
    access: ACCESS[role],
    sla: config.sla[role],
  }));
}
