/**
 * The cloud-neutral shape of one HTTP exchange: the local server, Lambda, Cloud Functions and
 * Azure Functions adapters each translate their platform's request into an HttpRequest and the
 * HttpResponse back, and nothing else.
 */
export interface HttpRequest {
  method: string;
  /** The request target: the path, possibly followed by "?query". */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: Uint8Array;
  /**
   * The network address the request came from, where the host knows it (the local server): what
   * per-client limits count by when the request carries no credential.
   */
  client?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

export type HttpHandler = (request: HttpRequest) => Promise<HttpResponse>;

/** Largest request body accepted, in bytes (1 MiB): 256 descriptions of 1,000 characters fit. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
