/**
 * The engine's own unknown-value machinery from `@pulumi/policy`: the proxy it wraps every
 * resource's props in, the error that proxy throws on reading a value not known during preview,
 * and the sentinels that mark such values. Its exports are marked internal and ship without
 * typings, so they are typed here; the pinned version and the tests that drive rules through the
 * real proxy keep these names honest.
 */
interface EngineProxy {
  UnknownValueError: new (...args: never[]) => Error;
  unknownCheckingProxy<T extends object>(props: T): T;
  unknownStringValue: string;
  unknownNumberValue: string;
  unknownBooleanValue: string;
  unknownArrayValue: string;
  unknownObjectValue: string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const engineProxy = require('@pulumi/policy/proxy') as EngineProxy;
