import type { ResourceValidationPolicy } from '@pulumi/policy';
import { functionCloud } from '../lib/functions';
import { at, UNKNOWN } from '../lib/known';

interface Bounds {
  minMemoryMb: number;
  maxMemoryMb: number;
  awsMaxTimeoutSeconds: number;
  gcpEventMaxTimeoutSeconds: number;
  gcpHttpMaxTimeoutSeconds: number;
  azureInstanceMemoryMb: number[];
}

/** GCP's memory strings ('256M', '512Mi', '1G', '2Gi') in MB; NaN for anything else. */
function gcpMemoryMb(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(M|Mi|G|Gi)$/.exec(text);
  if (!match) return NaN;
  return Number(match[1]) * ({ M: 1, Mi: 1, G: 1000, Gi: 1024 } as Record<string, number>)[match[2]!]!;
}

const integer = (value: number) => ({ type: 'integer' as const, minimum: 1, default: value });

export const functionResourceBounds: ResourceValidationPolicy = {
  name: 'function-resource-bounds',
  description:
    "Every function's memory and timeout stay within the stack's bounds (by default 128-4096 MB, at most 900 s on AWS and 540 s for GCP event functions or 3600 s for GCP HTTP ones, and a Flex Consumption instance size of 512, 2048 or 4096 MB on Azure), so a misconfiguration cannot run up cost or hang a job.",
  enforcementLevel: 'mandatory',
  configSchema: {
    properties: {
      minMemoryMb: integer(128),
      maxMemoryMb: integer(4096),
      awsMaxTimeoutSeconds: integer(900),
      gcpEventMaxTimeoutSeconds: integer(540),
      gcpHttpMaxTimeoutSeconds: integer(3600),
      azureInstanceMemoryMb: { type: 'array', items: { type: 'integer' }, default: [512, 2048, 4096] },
    },
  },
  validateResource: ({ type, props, name, getConfig }, reportViolation) => {
    const cloud = functionCloud(type, props);
    if (cloud === undefined) return;
    const b = getConfig<Bounds>();
    const fix = "(or change the bounds in this stack's policy config)";
    const memory = (value: unknown, prop: string, toMb: (v: unknown) => number) => {
      if (value === UNKNOWN || value === undefined) return;
      const mb = toMb(value);
      if (!(mb >= b.minMemoryMb && mb <= b.maxMemoryMb)) {
        reportViolation(
          `Function ${name} has ${prop} ${String(value)}: keep it between ${b.minMemoryMb} and ${b.maxMemoryMb} MB ${fix}.`,
        );
      }
    };
    const timeout = (value: unknown, prop: string, max: number) => {
      if (typeof value === 'number' && value > max) {
        reportViolation(
          `Function ${name} has ${prop} ${value} s, over the ${max} s allowed: lower it to ${max} or less ${fix}.`,
        );
      }
    };
    if (cloud === 'aws') {
      memory(at(props, 'memorySize'), 'memorySize', Number);
      timeout(at(props, 'timeout'), 'timeout', b.awsMaxTimeoutSeconds);
    } else if (cloud === 'gcp') {
      memory(at(props, 'serviceConfig', 'availableMemory'), 'serviceConfig.availableMemory', (v) =>
        gcpMemoryMb(String(v)),
      );
      const event = at(props, 'eventTrigger');
      if (event === UNKNOWN) return;
      const max = event === undefined ? b.gcpHttpMaxTimeoutSeconds : b.gcpEventMaxTimeoutSeconds;
      timeout(at(props, 'serviceConfig', 'timeoutSeconds'), 'serviceConfig.timeoutSeconds', max);
    } else {
      const size = at(props, 'functionAppConfig', 'scaleAndConcurrency', 'instanceMemoryMB');
      if (typeof size === 'number' && !b.azureInstanceMemoryMb.includes(size)) {
        reportViolation(
          `Function app ${name} has instanceMemoryMB ${size}: use one of ${b.azureInstanceMemoryMb.join(', ')} ${fix}.`,
        );
      }
    }
  },
};
