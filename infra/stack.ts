import * as pulumi from '@pulumi/pulumi';
import { awsPlatform } from './aws';
import { azurePlatform } from './azure';
import { loadBundles } from './bundles';
import { parseStackConfig, type StackConfig } from './config';
import { gcpPlatform } from './gcp';
import { loadModelArtifact } from './model-artifact';
import { deploy, type ProgramInputs } from './program';

/** The stack's config, validated: throws before any resource is declared when a key is wrong. */
export const readStackConfig = (): StackConfig =>
  parseStackConfig(pulumi.getProject(), pulumi.runtime.allConfig());

/** Reads and checks everything on disk the deployment needs: the bundles and the artifact to publish. */
export function readInputs(config: StackConfig): ProgramInputs {
  return {
    config,
    bundles: loadBundles(config.bundleDir, config.cloud, config.arch),
    artifact: config.model.artifact
      ? loadModelArtifact(config.model.artifact, config.model.variant)
      : undefined,
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
  };
}

/** The whole program: config → inputs → the cloud's platform → the same composition everywhere. */
export function runStack() {
  const config = readStackConfig();
  const inputs = readInputs(config);
  switch (config.cloud) {
    case 'aws':
      return deploy(awsPlatform(config), inputs);
    case 'gcp':
      return deploy(gcpPlatform(config), inputs);
    case 'azure':
      return deploy(azurePlatform(config, inputs.bundles), inputs);
  }
}
