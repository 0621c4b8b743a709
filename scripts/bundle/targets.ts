import type { BundleRole } from '../../models/deployment';

export const CLOUDS = ['aws', 'gcp', 'azure'] as const;
export type Cloud = (typeof CLOUDS)[number];
export const ARCHES = ['x64', 'arm64'] as const;
export type Arch = (typeof ARCHES)[number];

/** What one bundle is built from and how its cloud finds the functions in it. */
export interface BundleTarget {
  cloud: Cloud;
  role: BundleRole;
  arch: Arch;
  /** The TypeScript entry module, bundled into `index.js`. */
  entry: string;
  /** The function names the deployment refers to: Lambda handler strings, framework targets, app functions. */
  handlers: Record<string, string>;
  /** Packages the entry requires at run time but that the platform, not the bundle, provides. */
  platformProvided: string[];
}

const ENTRIES: Record<Cloud, Record<BundleRole, { entry: string; functions: string[] }>> = {
  aws: {
    predict: { entry: 'runtime/aws/handlers.ts', functions: ['api', 'batch', 'jobs'] },
    retrain: { entry: 'runtime/aws/retrain-handler.ts', functions: ['retrain'] },
  },
  gcp: {
    predict: { entry: 'runtime/gcp/functions.ts', functions: ['api', 'batch', 'jobs'] },
    retrain: { entry: 'runtime/gcp/retrain-function.ts', functions: ['retrain'] },
  },
  azure: {
    predict: { entry: 'runtime/azure/functions.ts', functions: ['api', 'batch', 'jobs'] },
    retrain: { entry: 'runtime/azure/retrain-function.ts', functions: ['retrain'] },
  },
};

/** Architectures each cloud's functions run on (Cloud Functions and Flex Consumption: x86-64 only). */
export const ARCHES_OF: Record<Cloud, readonly Arch[]> = {
  aws: ['x64', 'arm64'],
  gcp: ['x64'],
  azure: ['x64'],
};

export function bundleTarget(cloud: Cloud, role: BundleRole, arch: Arch): BundleTarget {
  if (!ARCHES_OF[cloud].includes(arch)) {
    throw new Error(`${cloud} functions run on ${ARCHES_OF[cloud].join(' or ')}, not ${arch}`);
  }
  const { entry, functions } = ENTRIES[cloud][role];
  const handlers = Object.fromEntries(
    functions.map((name) => [name, cloud === 'aws' ? `index.${name}` : name]),
  );
  // The Azure worker injects its core module into the app; the Lambda runtime has the AWS SDK, but
  // the bundle carries its own pinned copy rather than trusting whichever version is there.
  const platformProvided = cloud === 'azure' ? ['@azure/functions-core'] : [];
  return { cloud, role, arch, entry, handlers, platformProvided };
}

export const bundleName = (target: Pick<BundleTarget, 'cloud' | 'role' | 'arch'>) =>
  `${target.cloud}-${target.role}-${target.arch}`;
