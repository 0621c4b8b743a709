import { existsSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

// One plain name: no separator, no leading dot (so neither ".." nor hidden files), no escapes left.
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

/**
 * The page's folder: `web/` beside a function bundle's entry file, runtime/web beside this
 * module's folder when run from the sources, or the sources' runtime/web when run from the
 * compiled build (tsc does not copy the page into dist/).
 */
export function defaultWebRoot(moduleDir = __dirname): string {
  const candidates = [
    resolve(moduleDir, 'web'),
    resolve(moduleDir, '..', 'web'),
    resolve(moduleDir, '..', '..', '..', 'runtime', 'web'),
  ];
  return (
    candidates.find((dir) => existsSync(dir) && statSync(dir).isDirectory()) ?? (candidates[0] as string)
  );
}

/** The file a request path names in the web root ("/" is index.html), or undefined if none could be. */
export function staticFileName(path: string): string | undefined {
  if (path === '/') return 'index.html';
  let name: string;
  try {
    name = decodeURIComponent(path.slice(1));
  } catch {
    return undefined;
  }
  return FILE_NAME.test(name) && Object.hasOwn(CONTENT_TYPES, extname(name)) ? name : undefined;
}

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/** A regular file directly in `root`, or undefined; `name` must come from staticFileName. */
export async function readStaticFile(root: string, name: string): Promise<StaticFile | undefined> {
  const contentType = Object.hasOwn(CONTENT_TYPES, extname(name)) ? CONTENT_TYPES[extname(name)] : undefined;
  if (!contentType || !FILE_NAME.test(name)) return undefined;
  const path = join(root, name);
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return { body: await readFile(path), contentType };
  } catch {
    return undefined;
  }
}
