import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CALLER_HEADER } from '../http/caller';
import type { HttpRequest, HttpResponse } from '../http/http-types';

/**
 * The caller IAM authorization verified (function URL or HTTP API with AWS_IAM auth): the
 * signer's ARN. Undefined without IAM auth, when nobody was verified.
 */
export function verifiedCaller(event: APIGatewayProxyEventV2): string | undefined {
  const context = event.requestContext as { authorizer?: { iam?: { userArn?: unknown } } };
  const arn = context.authorizer?.iam?.userArn;
  return typeof arn === 'string' && arn !== '' ? arn : undefined;
}

/**
 * API Gateway HTTP API (payload 2.0) and Lambda function URL events share one shape: the request
 * as the core's HttpRequest, header names lower-cased, the body as bytes.
 */
export function requestOfEvent(event: APIGatewayProxyEventV2): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  // Only the platform says who called: a client's own copy of the header is dropped.
  delete headers[CALLER_HEADER];
  const caller = verifiedCaller(event);
  if (caller) headers[CALLER_HEADER] = caller;
  const body = event.body ?? '';
  return {
    method: event.requestContext.http.method,
    path: event.rawQueryString ? `${event.rawPath}?${event.rawQueryString}` : event.rawPath,
    headers,
    body: event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'),
  };
}

/** The core's response as Lambda returns it: text as is, bytes (the page's images) in base64. */
export function resultOfResponse(response: HttpResponse): APIGatewayProxyStructuredResultV2 {
  const binary = typeof response.body !== 'string';
  return {
    statusCode: response.status,
    headers: response.headers,
    body: binary ? Buffer.from(response.body).toString('base64') : (response.body as string),
    isBase64Encoded: binary,
  };
}

/** S3 event keys arrive URL-encoded, with "+" for spaces. */
export const keyOfS3Record = (encoded: string): string => decodeURIComponent(encoded.replace(/\+/g, ' '));
