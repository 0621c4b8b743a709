/** A put's body as bytes: strings are stored as UTF-8, exactly as the local store writes them. */
export const bodyBytes = (body: Uint8Array | string): Uint8Array =>
  typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
