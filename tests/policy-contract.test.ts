import { bundleObjectKey, FUNCTION_ENV, OBJECT_KINDS, OBJECT_METADATA, TAG_KEYS } from '../models/deployment';
import * as pack from '../policies/lib/contract';

/**
 * The policy pack stands alone (it runs under `pulumi preview --policy-pack` with nothing of the
 * project), so it keeps its own copy of the deployment contract's names. This fails as soon as
 * the copy and `models/deployment.ts` disagree.
 */
describe("the policy pack's copy of the deployment contract", () => {
  it('names the same environment variables', () => {
    expect(pack.FUNCTION_ENV).toEqual({ modelSha256: FUNCTION_ENV.modelSha256, auth: FUNCTION_ENV.auth });
  });

  it('requires exactly the tag keys the deployment sets', () => {
    expect([...pack.TAG_KEYS]).toEqual(Object.values(TAG_KEYS));
    expect(pack.MODEL_SHA_TAG).toBe(TAG_KEYS.modelSha256);
  });

  it('reads the same object metadata keys and kinds', () => {
    for (const [name, key] of Object.entries(pack.OBJECT_METADATA)) {
      expect([name, key]).toEqual([name, OBJECT_METADATA[name as keyof typeof OBJECT_METADATA]]);
    }
    expect(pack.OBJECT_KINDS.manifest).toBe(OBJECT_KINDS.manifest);
  });

  it('recognises the code object names the deployment writes, and only those', () => {
    const sha = '0123456789abcdef'.repeat(4);
    expect(pack.BUNDLE_KEY.exec(bundleObjectKey(sha))?.[1]).toBe(sha);
    expect(pack.BUNDLE_KEY.test(bundleObjectKey(sha.slice(1)))).toBe(false);
    expect(pack.BUNDLE_KEY.test(`x/${bundleObjectKey(sha)}`)).toBe(false);
  });
});
