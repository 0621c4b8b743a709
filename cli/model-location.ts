import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { storeKeys } from '../models/store-layout';

/**
 * The folder of the model a command should use: the one given, or the newest artifact of the
 * variant trained into the local store.
 */
export function resolveModelDir(home: string, variant: string, given?: string): string {
  if (given) return given;
  const pointer = join(home, storeKeys.latestModel(variant));
  if (!existsSync(pointer)) {
    throw new Error(`no ${variant} model in ${home} yet: run "npx hscode train" first, or pass --model DIR`);
  }
  const { version } = JSON.parse(readFileSync(pointer, 'utf8')) as { version: string };
  return join(home, storeKeys.modelPrefix(variant, version));
}

export function hasLocalModel(home: string, variant: string): boolean {
  return existsSync(join(home, storeKeys.latestModel(variant)));
}
