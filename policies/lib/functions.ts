import { known, keysOf, UNKNOWN, type Unknown } from './known';

/** The resource types that run the project's functions, one per cloud. */
export const FUNCTION_TYPES = {
  aws: 'aws:lambda/function:Function',
  gcp: 'gcp:cloudfunctionsv2/function:Function',
  azure: 'azure-native:web:WebApp',
} as const;

export type Cloud = keyof typeof FUNCTION_TYPES;
type Props = Record<string, unknown>;

/**
 * Which cloud's function a resource is, or undefined: an Azure WebApp is a function only when
 * its `kind` says `functionapp` (a WebApp whose kind is unknown is not judged as one).
 */
export function functionCloud(type: string, props: Props): Cloud | undefined {
  if (type === FUNCTION_TYPES.aws) return 'aws';
  if (type === FUNCTION_TYPES.gcp) return 'gcp';
  if (type !== FUNCTION_TYPES.azure) return undefined;
  const kind = known(() => props.kind);
  return typeof kind === 'string' && kind.toLowerCase().includes('functionapp') ? 'azure' : undefined;
}

/** Where each cloud keeps a function's environment, as readable text for messages. */
export const ENV_PATH: Readonly<Record<Cloud, string>> = {
  aws: 'environment.variables',
  gcp: 'serviceConfig.environmentVariables',
  azure: 'siteConfig.appSettings',
};

export type EnvValue = string | Unknown | undefined;

/**
 * One environment variable of a function: its value, UNKNOWN when the engine cannot know it yet
 * (the variable itself or the whole environment), or undefined when it is not set. Azure app
 * settings are read from `siteConfig.appSettings`, where the project's program sets them.
 */
export function functionEnv(cloud: Cloud, props: Props, name: string): EnvValue {
  const env = known(() => {
    const p = props as Record<string, Record<string, unknown> | undefined>;
    if (cloud === 'aws') return p.environment?.variables;
    if (cloud === 'gcp') return p.serviceConfig?.environmentVariables;
    return p.siteConfig?.appSettings;
  });
  if (env === UNKNOWN) return UNKNOWN;
  if (cloud !== 'azure') {
    if (!keysOf(env).includes(name)) return undefined;
    const value = known(() => (env as Props)[name]);
    return value === UNKNOWN || typeof value === 'string' ? value : String(value);
  }
  if (!Array.isArray(env)) return undefined;
  let result: EnvValue = undefined;
  for (let i = 0; i < env.length; i++) {
    const settingName = known(() => env[i].name as unknown);
    if (settingName === UNKNOWN) result = UNKNOWN;
    else if (settingName === name) {
      const value = known(() => env[i].value as unknown);
      return value === UNKNOWN || typeof value === 'string' ? value : undefined;
    }
  }
  return result;
}
