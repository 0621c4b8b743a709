import { ApiKeyVerifier } from '../core/api-keys';
import type { HttpRequest } from './http-types';

/** Who gave a piece of feedback: an analyst's key id, or the identity the cloud verified. */
export interface Caller {
  id: string;
  via: 'api-key' | 'cloud-identity';
}

export type CallerCheck = { caller: Caller } | { problem: string };

/** Finds the verified caller of a request, or says why there is none (→ 401). */
export type IdentifyCaller = (request: HttpRequest) => CallerCheck | Promise<CallerCheck>;

/**
 * The header a cloud entry module sets from the identity its platform verified, after removing
 * any copy the client sent (see runtime/aws|gcp|azure): only ever read behind those modules.
 */
export const CALLER_HEADER = 'x-hscode-caller';

/** The embedded server's analysts: `Authorization: Bearer <key>` (or `X-API-Key`), checked against the keys file. */
export function apiKeyCaller(home: string): IdentifyCaller {
  const verifier = new ApiKeyVerifier(home);
  return (request) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const result = verifier.check(bearer ?? request.headers['x-api-key']);
    if (!result.ok) {
      return {
        problem: `${result.reason}: feedback needs an analyst's API key ("hscode keys add <name>" makes one), sent as "Authorization: Bearer <key>"`,
      };
    }
    return { caller: { id: `key:${result.id}`, via: 'api-key' } };
  };
}

/** The clouds: the identity the entry module put in CALLER_HEADER from the platform's verified caller. */
export function platformCaller(): IdentifyCaller {
  return (request) => {
    const id = request.headers[CALLER_HEADER];
    return id
      ? { caller: { id, via: 'cloud-identity' } }
      : {
          problem:
            'the platform verified no caller for this request: feedback needs the deployment\'s identity-based auth ("auth": "iam"), so each correction names who gave it',
        };
  };
}
