import type { Policy } from '@pulumi/policy';

/**
 * A policy's configuration with its schema's defaults filled in, as the engine fills them before
 * a policy calls `getConfig()`. The offline runner and the tests use it, since they stand where
 * the engine does.
 */
export function withDefaults<T extends object>(policy: Policy, given: Record<string, unknown> = {}): T {
  const config: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
    if (schema.default !== undefined) config[key] = copyPlain(schema.default);
  }
  return { ...config, ...given } as T;
}

/**
 * A deep copy of plain data made in this realm. (`structuredClone` may belong to another realm,
 * as under jest, and the engine's proxy only wraps objects that are `instanceof Object` here.)
 */
export function copyPlain<T>(value: T): T {
  if (Array.isArray(value)) return Array.from(value, (item) => copyPlain(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyPlain(v)])) as T;
}
