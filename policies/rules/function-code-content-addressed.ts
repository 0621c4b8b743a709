import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { BUNDLE_KEY, OBJECT_METADATA } from '../lib/contract';
import { functionCloud } from '../lib/functions';
import { at, UNKNOWN } from '../lib/known';
import { isObject, metadata, objectName } from '../lib/objects';
import { azureDeploymentContainer, inContainer } from '../lib/azure-deployment';

const FIX = `upload the bundle as functions/<its sha256>.zip with metadata ${OBJECT_METADATA.bundleSha256}=<that sha256> in this stack`;

/** Where each function names its code object. */
const CODE_KEY: Readonly<Record<string, readonly string[]>> = {
  aws: ['s3Key'],
  gcp: ['buildConfig', 'source', 'storageSource', 'object'],
};

/** What is wrong with a function's code object, or undefined when it is named and labelled by content. */
function bundleProblem(key: string, objects: readonly PolicyResource[]): string | undefined {
  const sha = BUNDLE_KEY.exec(key)?.[1];
  if (sha === undefined) return `its code object '${key}' is not named functions/<sha256>.zip`;
  const found = objects.filter((o) => objectName(o) === key);
  if (found.length === 0) return `its code object ${key} is not published in this stack`;
  const labels = found.map((o) => metadata(o, OBJECT_METADATA.bundleSha256));
  if (labels.includes(sha) || labels.includes(UNKNOWN)) return undefined;
  return `its code object ${key} carries ${OBJECT_METADATA.bundleSha256} '${String(labels[0] ?? '(unset)')}', not the sha256 in its name`;
}

export const functionCodeContentAddressed: StackValidationPolicy = {
  name: 'function-code-content-addressed',
  description:
    "Every function runs code from an object named by its content, functions/<sha256>.zip, published in the same stack with metadata bundle_sha256 equal to that sha256 (AWS Lambda's s3Key, a GCP function's source object, a blob in an Azure function app's deployment container), so the deployed code is exactly the reviewed bundle.",
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, reportViolation) => {
    const objects = resources.filter(isObject);
    for (const fn of resources) {
      const cloud = functionCloud(fn.type, fn.props);
      if (cloud === undefined) continue;
      const problems: string[] = [];
      if (cloud === 'azure') {
        const container = azureDeploymentContainer(fn);
        if (container === UNKNOWN) continue;
        const membership = objects.map((o) => inContainer(o, container));
        const names = [...new Set(objects.filter((_, i) => membership[i] === true).map(objectName))];
        if (names.includes(UNKNOWN) || (names.length === 0 && membership.includes(UNKNOWN))) continue;
        if (names.length === 0)
          problems.push(`its deployment container ${container ?? '(none)'} holds no code blob`);
        for (const name of names) problems.push(bundleProblem(String(name), objects) ?? '');
      } else {
        const key = at(fn.props, ...CODE_KEY[cloud]!);
        if (key === UNKNOWN) continue;
        problems.push(
          typeof key === 'string'
            ? (bundleProblem(key, objects) ?? '')
            : 'it does not run code from a stored object',
        );
      }
      for (const problem of problems.filter((p) => p !== '')) {
        reportViolation(`Function ${fn.name} is not deployed by content: ${problem}; ${FIX}.`, fn.urn);
      }
    }
  },
};
