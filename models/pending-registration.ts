/**
 * A deployment's request to register a model: the Pulumi program writes it under
 * `registry/pending/`, the jobs function applies it through the registry's conditional writes and
 * leaves a receipt under `registry/applied/`. One definition for both sides.
 */
export interface PendingRegistration {
  schemaVersion: 1;
  kind: 'pending-registration';
  variant: string;
  version: string;
  /** The ONNX sha256 the registry must find in the model's manifest before routing to it. */
  modelSha256: string | null;
  as: 'challenger' | 'shadow';
  /** Traffic share for a challenger; 0 for a shadow. */
  weight: number;
  /** `pulumi:<project>/<stack>`: who asked. */
  requestedBy: string;
}

export const PENDING_PREFIX = 'registry/pending/';
export const APPLIED_PREFIX = 'registry/applied/';

export const pendingKey = (variant: string, version: string) => `${PENDING_PREFIX}${variant}/${version}.json`;
