import { join } from 'node:path';
import { storeKeys } from '../models/store-layout';
import { latestLocalModel } from '../runtime/local/local-models';

/**
 * The folder of the model a command should use: the one given, or the newest artifact of the
 * variant trained into the local store.
 */
export function resolveModelDir(home: string, variant: string, given?: string): string {
  if (given) return given;
  const latest = latestLocalModel(home, variant);
  if (!latest) {
    throw new Error(`no ${variant} model in ${home} yet: run "npx hscode train" first, or pass --model DIR`);
  }
  return join(home, storeKeys.modelPrefix(variant, latest.version));
}

export function hasLocalModel(home: string, variant: string): boolean {
  return latestLocalModel(home, variant) !== undefined;
}
