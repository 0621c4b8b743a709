export interface RelatedPart {
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * The parts of a `multipart/related` body (RFC 2387), as a JSON API multipart upload sends them:
 * the object's metadata as JSON, then its bytes. Throws on anything malformed.
 */
export function parseMultipartRelated(contentType: string, body: Buffer): RelatedPart[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!/^multipart\/related/i.test(contentType) || !boundary) {
    throw new Error(`expected multipart/related with a boundary, got "${contentType}"`);
  }
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: RelatedPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new Error('the body has no opening boundary');
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return parts;
    if (body.subarray(at, at + 2).toString() !== '\r\n')
      throw new Error('a boundary is not followed by CRLF');
    const headersEnd = body.indexOf('\r\n\r\n', at);
    if (headersEnd < 0) throw new Error('a part has no end of headers');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headersEnd);
    if (next < 0) throw new Error('the body has no closing boundary');
    const headers: Record<string, string> = {};
    for (const line of body
      .subarray(at + 2, headersEnd)
      .toString('latin1')
      .split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: body.subarray(headersEnd + 4, next) });
    at = next + 2;
  }
}
