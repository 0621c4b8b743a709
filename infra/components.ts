import type { Cloud } from './config';

/** Every component kind, the same in each cloud folder; its Pulumi type is `hscode:<cloud>:<Kind>`. */
export const COMPONENT_KINDS = [
  'ModelStore',
  'Function',
  'HttpFunction',
  'ObjectFunctions',
  'ScheduledFunction',
  'Monitoring',
] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

export const componentType = (cloud: Cloud, kind: ComponentKind) => `hscode:${cloud}:${kind}`;

/** Children are named from their component: `<component>-<part>`. */
export const childName = (component: string, part: string) => `${component}-${part}`;
