import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';

/**
 * A stack file's config as the Pulumi engine hands it to the program: `<project>:<key>` → string,
 * structured values as JSON text. Secure values are refused: the offline plan has no key to read them.
 */
export function stackFileValues(path: string): Record<string, string> {
  const stack = load(readFileSync(path, 'utf8')) as { config?: Record<string, unknown> } | null;
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(stack?.config ?? {})) {
    if (value && typeof value === 'object' && 'secure' in value) {
      throw new Error(`${path}: ${key} is a secret; the offline plan cannot decrypt it`);
    }
    values[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return values;
}
