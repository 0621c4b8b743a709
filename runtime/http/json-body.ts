import type { HttpRequest, HttpResponse } from './http-types';
import { errorResponse } from './responses';

export type JsonBody = { ok: true; value: unknown } | { ok: false; response: HttpResponse };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** application/json, with at most a UTF-8 charset among its parameters. */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return parameters.every((parameter) => {
    const [name, value = ''] = parameter.split('=', 2).map((part) => part.trim());
    return name !== 'charset' || value.replace(/^"(.*)"$/, '$1') === 'utf-8';
  });
}

/**
 * The request's body as a JSON value, or the response that refuses it: 413 over the size limit,
 * 415 for another content type, 400 for bytes that are not UTF-8 or text that is not JSON. The
 * platform adapters enforce the size limit while reading; this check covers the ones that cannot.
 */
export function readJsonBody(request: HttpRequest, maxBodyBytes: number): JsonBody {
  if (request.body.byteLength > maxBodyBytes) {
    return refuse(413, 'body_too_large', `the request body is larger than ${maxBodyBytes} bytes`);
  }
  if (!isJsonContentType(request.headers['content-type'])) {
    return refuse(415, 'unsupported_media_type', 'the request body must be sent as application/json');
  }
  let text: string;
  try {
    text = utf8.decode(request.body);
  } catch {
    return refuse(400, 'invalid_utf8', 'the request body is not valid UTF-8');
  }
  if (text.trim() === '') return refuse(400, 'invalid_json', 'the request body is empty: send a JSON object');
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // The parser's message quotes the body, and the body is never echoed back.
    return refuse(400, 'invalid_json', 'the request body is not valid JSON');
  }
}

const refuse = (status: number, code: string, message: string): JsonBody => ({
  ok: false,
  response: errorResponse(status, code, message),
});
