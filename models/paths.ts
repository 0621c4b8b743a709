import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cachedRoot: string | undefined;

/**
 * The project root, found by walking up to package.json, so the same code works from the
 * TypeScript sources (tests) and from the compiled `dist/` tree (CLI, functions).
 */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the project root above ${__dirname}`);
    dir = parent;
  }
  cachedRoot = dir;
  return dir;
}

/** A file shipped with the project, e.g. `projectFile('data/public/hs2022/sections.csv')`. */
export function projectFile(relative: string): string {
  return join(projectRoot(), relative);
}
