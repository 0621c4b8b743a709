import Ajv, { type ErrorObject, type JSONSchemaType } from 'ajv';
import { FUNCTION_ROLES, NEW_MODEL_WEIGHT, type AuthMode, type FunctionRole } from '../models/deployment';
import { DEFAULT_VARIANT, VARIANTS, type VariantName } from '../models/variants';

/**
 * The stack's configuration: every key a stack file may set, its default and its limits, checked
 * once when the program starts, before any resource is declared.
 */
export const CLOUDS = ['aws', 'gcp', 'azure'] as const;
export type Cloud = (typeof CLOUDS)[number];

/** CPU architecture of the function bundles (Node's names): arm64 only on AWS Lambda. */
export const ARCHES = ['x64', 'arm64'] as const;
export type Arch = (typeof ARCHES)[number];

export interface FunctionSla {
  memoryMb: number;
  timeoutSeconds: number;
  /** Instances kept started (provisioned concurrency, min instances, always-ready). */
  warmInstances: number;
  maxInstances: number;
  /** Requests one instance serves at once (AWS Lambda: always 1). */
  concurrency: number;
}

export interface ModelRefConfig {
  variant: VariantName;
  version: string;
}

export interface ModelConfig {
  variant: VariantName;
  /** A model already in the store; its ONNX sha256 must be given with it. */
  version?: string;
  sha256?: string;
  /** A local artifact folder to publish (model.onnx, manifest.json, encoder.json, labels.json). */
  artifact?: string;
  /** Traffic share of a newly published model while a champion already serves. */
  weight: number;
  /** Models already in the store that score every request without answering. */
  shadows: ModelRefConfig[];
}

export interface StackConfig {
  cloud: Cloud;
  /** AWS region, GCP region or Azure location. */
  region: string;
  /** GCP project id (gcp only). */
  project?: string;
  /** Azure subscription id and resource group (azure only). */
  subscription?: string;
  resourceGroup?: string;
  model: ModelConfig;
  sla: Record<FunctionRole, FunctionSla>;
  alarms: { errorRate: number; p99LatencyMs: number };
  logRetentionDays: number;
  auth: AuthMode;
  /** Principals allowed to call the HTTP function when auth is `iam`: AWS account ids or ARNs, GCP members. */
  invokers: string[];
  tags: { owner: string; costCentre: string; dataClassification: string };
  bundleDir: string;
  arch: Arch;
  cost: { requestMs: number };
  recordText: boolean;
}

/**
 * SLA defaults per function role. Memory sizes are ones every cloud accepts (Azure Flex
 * Consumption offers 512, 2048 and 4096 MB); retrain's timeout fits GCP's 9-minute cap on
 * event-driven functions and it runs one at a time, so two trainings never race for the registry.
 */
export const DEFAULT_SLA: Readonly<Record<FunctionRole, FunctionSla>> = {
  api: { memoryMb: 2048, timeoutSeconds: 30, warmInstances: 0, maxInstances: 20, concurrency: 1 },
  batch: { memoryMb: 2048, timeoutSeconds: 300, warmInstances: 0, maxInstances: 5, concurrency: 1 },
  retrain: { memoryMb: 4096, timeoutSeconds: 540, warmInstances: 0, maxInstances: 1, concurrency: 1 },
  jobs: { memoryMb: 2048, timeoutSeconds: 300, warmInstances: 0, maxInstances: 1, concurrency: 1 },
};

/**
 * The billed duration of one prediction request the cost estimate assumes. In-process the service
 * takes 0.2–1.4 ms per description (BENCHMARKS.md); in a function the audit record's write to the
 * object store dominates, tens of milliseconds. Replace it with the billed duration the function's
 * logs report once it has served traffic.
 */
export const DEFAULT_REQUEST_MS = 50;

export const DEFAULTS = {
  alarms: { errorRate: 0.01, p99LatencyMs: 1000 },
  logRetentionDays: 30,
  auth: 'iam' as AuthMode,
  bundleDir: 'dist/bundles',
  arch: 'x64' as Arch,
  recordText: false,
} as const;

/** What a wrong key was, and what would be accepted: one per key. */
export interface ConfigProblem {
  key: string;
  value: unknown;
  allowed: string;
}

export class StackConfigError extends Error {
  constructor(
    readonly project: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      [
        `stack configuration is invalid (${problems.length} key${problems.length === 1 ? '' : 's'}); fix with "pulumi config set <key> <value>":`,
        ...problems.map((p) => `  ${project}:${p.key} = ${show(p.value)}: ${p.allowed}`),
      ].join('\n'),
    );
    this.name = 'StackConfigError';
  }
}

const show = (value: unknown) => (value === undefined ? '(not set)' : JSON.stringify(value));

const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];
const NAME_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$';
const SHA256_PATTERN = '^[0-9a-f]{64}$';

const slaSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    memoryMb: { type: 'integer', minimum: 128, maximum: 32768 },
    timeoutSeconds: { type: 'integer', minimum: 1, maximum: 3600 },
    warmInstances: { type: 'integer', minimum: 0, maximum: 1000 },
    maxInstances: { type: 'integer', minimum: 1, maximum: 1000 },
    concurrency: { type: 'integer', minimum: 1, maximum: 1000 },
  },
} as const;

const refSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['variant', 'version'],
  properties: {
    variant: { enum: VARIANT_NAMES },
    version: { type: 'string', pattern: NAME_PATTERN },
  },
} as const;

/** The raw stack keys (after JSON parsing of structured values): all optional but `cloud`, `region`, `tags`. */
const rawSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['cloud', 'region', 'tags'],
  properties: {
    cloud: { enum: [...CLOUDS] },
    region: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,40}$' },
    project: { type: 'string', pattern: '^[a-z][a-z0-9-]{4,28}[a-z0-9]$' },
    subscription: {
      type: 'string',
      pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    },
    resourceGroup: { type: 'string', pattern: '^[-\\w._()]{1,89}[-\\w_()]$' },
    model: {
      type: 'object',
      additionalProperties: false,
      properties: {
        variant: { enum: VARIANT_NAMES },
        version: { type: 'string', pattern: NAME_PATTERN },
        sha256: { type: 'string', pattern: SHA256_PATTERN },
        artifact: { type: 'string', minLength: 1 },
        weight: { type: 'number', minimum: 0, maximum: 1 },
        shadows: { type: 'array', items: refSchema, maxItems: 5 },
      },
    },
    sla: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(FUNCTION_ROLES.map((role) => [role, slaSchema])),
    },
    alarms: {
      type: 'object',
      additionalProperties: false,
      properties: {
        errorRate: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        p99LatencyMs: { type: 'integer', minimum: 1 },
      },
    },
    logRetentionDays: { type: 'integer', minimum: 1, maximum: 3653 },
    auth: { enum: ['iam', 'public'] },
    invokers: { type: 'array', items: { type: 'string', minLength: 1 } },
    tags: {
      type: 'object',
      additionalProperties: false,
      required: ['owner', 'costCentre', 'dataClassification'],
      properties: {
        owner: { type: 'string', minLength: 1, maxLength: 63 },
        costCentre: { type: 'string', minLength: 1, maxLength: 63 },
        dataClassification: { enum: ['public', 'internal', 'confidential', 'restricted'] },
      },
    },
    bundleDir: { type: 'string', minLength: 1 },
    arch: { enum: [...ARCHES] },
    cost: {
      type: 'object',
      additionalProperties: false,
      properties: { requestMs: { type: 'number', exclusiveMinimum: 0, maximum: 900000 } },
    },
    recordText: { type: 'boolean' },
  },
} as const;

/** The stack's keys as written, before defaults. */
interface RawConfig {
  cloud: Cloud;
  region: string;
  project?: string;
  subscription?: string;
  resourceGroup?: string;
  model?: Partial<ModelConfig>;
  sla?: Partial<Record<FunctionRole, Partial<FunctionSla>>>;
  alarms?: Partial<StackConfig['alarms']>;
  logRetentionDays?: number;
  auth?: AuthMode;
  invokers?: string[];
  tags: StackConfig['tags'];
  bundleDir?: string;
  arch?: Arch;
  cost?: Partial<StackConfig['cost']>;
  recordText?: boolean;
}

/** Keys whose stack value is structured (JSON in the stack file's config map). */
const STRUCTURED = new Set(['model', 'sla', 'alarms', 'invokers', 'tags', 'cost']);
export const CONFIG_KEYS = Object.keys(rawSchema.properties);

const ajv = new Ajv({ allErrors: true, coerceTypes: true, strict: true });
const validateRaw = ajv.compile(rawSchema as unknown as JSONSchemaType<Record<string, unknown>>);

function describeError(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known key';
    case 'pattern':
      return `must match ${String(p.pattern)}`;
    default:
      return error.message ?? error.keyword;
  }
}

const keyOf = (error: ErrorObject) => {
  const path = error.instancePath.split('/').filter(Boolean);
  if (error.keyword === 'required')
    path.push(String((error.params as { missingProperty: string }).missingProperty));
  if (error.keyword === 'additionalProperties')
    path.push(String((error.params as { additionalProperty: string }).additionalProperty));
  return path.join('.');
};

const valueAt = (raw: Record<string, unknown>, key: string): unknown =>
  key
    .split('.')
    .reduce<unknown>(
      (at, part) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined),
      raw,
    );

/** Per-cloud limits the schema alone cannot express (they differ by cloud). */
export const CLOUD_LIMITS: Readonly<
  Record<
    Cloud,
    {
      memoryMb: (mb: number) => boolean;
      memoryAllowed: string;
      maxTimeoutSeconds: (role: FunctionRole) => number;
      maxConcurrency: number;
      logRetentionDays: readonly number[] | { min: number; max: number };
    }
  >
> = {
  aws: {
    memoryMb: (mb) => mb >= 128 && mb <= 10240,
    memoryAllowed: '128 to 10240',
    maxTimeoutSeconds: () => 900,
    // One request per Lambda instance: scaling is by instances only.
    maxConcurrency: 1,
    // The values CloudWatch Logs accepts.
    logRetentionDays: [
      1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ],
  },
  gcp: {
    memoryMb: (mb) => mb >= 128 && mb <= 32768,
    memoryAllowed: '128 to 32768',
    // Event-driven 2nd-gen functions stop at 9 minutes, HTTP ones at 60.
    maxTimeoutSeconds: (role) => (role === 'api' ? 3600 : 540),
    maxConcurrency: 1000,
    logRetentionDays: { min: 1, max: 3650 },
  },
  azure: {
    memoryMb: (mb) => [512, 2048, 4096].includes(mb),
    memoryAllowed: 'one of 512, 2048, 4096 (Flex Consumption instance sizes)',
    // The front end cuts HTTP responses at 230 s whatever the function's timeout.
    maxTimeoutSeconds: (role) => (role === 'api' ? 230 : 3600),
    maxConcurrency: 1000,
    // Log Analytics workspaces (pay-as-you-go) keep data 30 to 730 days.
    logRetentionDays: { min: 30, max: 730 },
  },
};

function cloudProblems(config: StackConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const limits = CLOUD_LIMITS[config.cloud];
  const at = (key: string, value: unknown, allowed: string) => problems.push({ key, value, allowed });
  if (config.cloud === 'gcp' && !config.project)
    at('project', undefined, 'is required when cloud is gcp (the GCP project id)');
  if (config.cloud === 'azure') {
    if (!config.subscription)
      at('subscription', undefined, 'is required when cloud is azure (the subscription id)');
    if (!config.resourceGroup)
      at('resourceGroup', undefined, 'is required when cloud is azure (an existing resource group)');
  }
  for (const role of FUNCTION_ROLES) {
    const sla = config.sla[role];
    if (!limits.memoryMb(sla.memoryMb))
      at(`sla.${role}.memoryMb`, sla.memoryMb, `on ${config.cloud} must be ${limits.memoryAllowed}`);
    const maxTimeout = limits.maxTimeoutSeconds(role);
    if (sla.timeoutSeconds > maxTimeout)
      at(
        `sla.${role}.timeoutSeconds`,
        sla.timeoutSeconds,
        `on ${config.cloud} a ${role} function stops after at most ${maxTimeout} s`,
      );
    if (sla.concurrency > limits.maxConcurrency)
      at(
        `sla.${role}.concurrency`,
        sla.concurrency,
        `on ${config.cloud} must be at most ${limits.maxConcurrency}`,
      );
    if (sla.warmInstances > sla.maxInstances)
      at(
        `sla.${role}.warmInstances`,
        sla.warmInstances,
        `must not exceed sla.${role}.maxInstances (${sla.maxInstances})`,
      );
  }
  const retention = limits.logRetentionDays;
  const retentionOk = Array.isArray(retention)
    ? retention.includes(config.logRetentionDays)
    : config.logRetentionDays >= (retention as { min: number }).min &&
      config.logRetentionDays <= (retention as { max: number }).max;
  if (!retentionOk)
    at(
      'logRetentionDays',
      config.logRetentionDays,
      Array.isArray(retention)
        ? `on ${config.cloud} must be one of ${retention.join(', ')}`
        : `on ${config.cloud} must be ${(retention as { min: number }).min} to ${(retention as { max: number }).max}`,
    );
  if (config.arch !== 'x64' && config.cloud !== 'aws')
    at('arch', config.arch, `on ${config.cloud} functions run on x64 only`);
  const { model } = config;
  if (model.artifact !== undefined && model.version !== undefined)
    at(
      'model.version',
      model.version,
      'set either model.version (a model in the store) or model.artifact (a folder to publish), not both',
    );
  if (model.artifact === undefined && model.version === undefined)
    at(
      'model.artifact',
      undefined,
      'set model.artifact (a folder "hscode train" wrote) or model.version with model.sha256 (a model already in the store)',
    );
  if (model.version !== undefined && model.sha256 === undefined)
    at(
      'model.sha256',
      undefined,
      'is required with model.version: the ONNX sha256 "hscode models list" shows, which every function pins',
    );
  if (config.auth === 'iam' && config.cloud !== 'azure' && config.invokers.length === 0)
    at(
      'invokers',
      config.invokers,
      'with auth "iam" name at least one caller (AWS account id or role ARN, GCP member such as "group:team@example.com")',
    );
  if (config.auth === 'public' && config.invokers.length > 0)
    at('invokers', config.invokers, 'must be empty when auth is "public": everyone may call');
  return problems;
}

/**
 * Reads the project's raw stack values (`<project>:<key>` → string) into a typed config with
 * defaults, or throws StackConfigError listing every wrong key with its value and what is allowed.
 */
export function parseStackConfig(project: string, values: Record<string, string>): StackConfig {
  const raw: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  const prefix = `${project}:`;
  for (const [fullKey, text] of Object.entries(values)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (!STRUCTURED.has(key)) {
      raw[key] = text;
      continue;
    }
    try {
      raw[key] = JSON.parse(text);
    } catch {
      problems.push({
        key,
        value: text,
        allowed: 'must be structured YAML in the stack file (an object or a list)',
      });
    }
  }
  if (!validateRaw(raw)) {
    const seen = new Set(problems.map((p) => p.key));
    for (const error of validateRaw.errors ?? []) {
      const key = keyOf(error);
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ key, value: valueAt(raw, key), allowed: describeError(error) });
    }
  }
  if (problems.length > 0) throw new StackConfigError(project, problems);

  // The schema has just checked every key's shape: what remains is filling in defaults.
  const r = raw as unknown as RawConfig;
  const model = r.model ?? {};
  const sla = r.sla ?? {};
  const config: StackConfig = {
    cloud: r.cloud,
    region: r.region,
    project: r.project,
    subscription: r.subscription,
    resourceGroup: r.resourceGroup,
    model: {
      variant: model.variant ?? DEFAULT_VARIANT,
      version: model.version,
      sha256: model.sha256,
      artifact: model.artifact,
      weight: model.weight ?? NEW_MODEL_WEIGHT,
      shadows: model.shadows ?? [],
    },
    sla: Object.fromEntries(
      FUNCTION_ROLES.map((role) => [role, { ...DEFAULT_SLA[role], ...sla[role] }]),
    ) as Record<FunctionRole, FunctionSla>,
    alarms: { ...DEFAULTS.alarms, ...r.alarms },
    logRetentionDays: r.logRetentionDays ?? DEFAULTS.logRetentionDays,
    auth: r.auth ?? DEFAULTS.auth,
    invokers: r.invokers ?? [],
    tags: r.tags,
    bundleDir: r.bundleDir ?? DEFAULTS.bundleDir,
    arch: r.arch ?? DEFAULTS.arch,
    cost: { requestMs: DEFAULT_REQUEST_MS, ...r.cost },
    recordText: r.recordText ?? DEFAULTS.recordText,
  };
  const cloudSpecific = cloudProblems(config);
  if (cloudSpecific.length > 0) throw new StackConfigError(project, cloudSpecific);
  return config;
}
