/**
 * Whether a thrown value is a Node system error with one of these codes. Duck-typed rather than
 * `instanceof Error`, because errors from Node's own modules belong to another realm under some
 * hosts (Jest's sandbox among them).
 */
export function isErrno(err: unknown, ...codes: string[]): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && codes.includes(code);
}
