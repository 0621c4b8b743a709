import type { HttpResponse } from './http-types';

/**
 * Sent with every response. The page is served from the same origin as the API, so its policy
 * allows 'self' and nothing else: no inline script or style, no framing, no other origin.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** The one error envelope: `{"error":{"code","message","field"?}}`. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  options: { field?: string; headers?: Record<string, string> } = {},
): HttpResponse {
  const error = options.field === undefined ? { code, message } : { code, message, field: options.field };
  return jsonResponse(status, { error }, options.headers);
}
