import { HttpRequest as AzureRequest } from '@azure/functions';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Request } from '@google-cloud/functions-framework';
import { requestOfEvent } from '../aws/http-event';
import { requestOf as azureRequestOf } from '../azure/http-request';
import { requestOf as gcpRequestOf } from '../gcp/http-request';
import { identityToken } from '../../tests/helpers/identity-token';
import { CALLER_HEADER, platformCaller } from '../http/caller';

/** Each cloud's entry module names the caller its platform verified, and only that. */
describe("the clouds' verified callers", () => {
  const spoofed = { [CALLER_HEADER]: 'someone-else', 'content-type': 'application/json' };

  const lambdaEvent = (iam?: { userArn: string }): APIGatewayProxyEventV2 =>
    ({
      rawPath: '/v1/feedback',
      rawQueryString: '',
      headers: spoofed,
      body: '{}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST' }, ...(iam ? { authorizer: { iam } } : {}) },
    }) as unknown as APIGatewayProxyEventV2;

  it('AWS: the IAM signer’s ARN from the request context', () => {
    const arn = 'arn:aws:sts::123456789012:assumed-role/analysts/ana';
    expect(requestOfEvent(lambdaEvent({ userArn: arn })).headers[CALLER_HEADER]).toBe(arn);
    expect(requestOfEvent(lambdaEvent()).headers[CALLER_HEADER]).toBeUndefined();
  });

  const gcpRequest = (headers: Record<string, string>) =>
    ({
      method: 'POST',
      originalUrl: '/v1/feedback',
      headers,
      rawBody: Buffer.from('{}'),
    }) as unknown as Request;

  it('GCP: the identity token Cloud Run accepted (X-Serverless-Authorization first), never the IAP header', () => {
    const request = gcpRequestOf(
      gcpRequest({ ...spoofed, authorization: identityToken({ email: 'ana@example.com', sub: '42' }) }),
    );
    expect(request.headers[CALLER_HEADER]).toBe('ana@example.com');
    const serverless = gcpRequestOf(
      gcpRequest({
        authorization: identityToken({ email: 'app@example.com' }),
        'x-serverless-authorization': identityToken({ sub: '1234567890' }),
      }),
    );
    expect(serverless.headers[CALLER_HEADER]).toBe('1234567890');
    const iapOnly = gcpRequestOf(
      gcpRequest({ ...spoofed, 'x-goog-authenticated-user-email': 'accounts.google.com:boss@example.com' }),
    );
    expect(iapOnly.headers[CALLER_HEADER]).toBeUndefined();
  });

  it('Azure: the principal App Service Authentication verified', async () => {
    const request = (headers: Record<string, string>) =>
      new AzureRequest({
        method: 'POST',
        url: 'https://app.example/v1/feedback',
        headers,
        body: { string: '{}' },
      });
    const withPrincipal = () => request({ ...spoofed, 'x-ms-client-principal-name': 'ana@contoso.com' });
    const authEnabled = process.env.WEBSITE_AUTH_ENABLED;
    try {
      process.env.WEBSITE_AUTH_ENABLED = 'True';
      expect((await azureRequestOf(withPrincipal())).headers[CALLER_HEADER]).toBe('ana@contoso.com');
      expect((await azureRequestOf(request(spoofed))).headers[CALLER_HEADER]).toBeUndefined();
      // Authentication off: the platform neither sets nor strips the header, so a client's copy names nobody.
      delete process.env.WEBSITE_AUTH_ENABLED;
      expect((await azureRequestOf(withPrincipal())).headers[CALLER_HEADER]).toBeUndefined();
      process.env.WEBSITE_AUTH_ENABLED = 'False';
      expect((await azureRequestOf(withPrincipal())).headers[CALLER_HEADER]).toBeUndefined();
    } finally {
      if (authEnabled === undefined) delete process.env.WEBSITE_AUTH_ENABLED;
      else process.env.WEBSITE_AUTH_ENABLED = authEnabled;
    }
  });

  it('the hosts take feedback only from a named caller', async () => {
    const identify = platformCaller();
    expect(await identify({ method: 'POST', path: '/', headers: {}, body: new Uint8Array() })).toMatchObject({
      problem: expect.stringMatching(/verified no caller/),
    });
    expect(
      await identify({
        method: 'POST',
        path: '/',
        headers: { [CALLER_HEADER]: 'ana' },
        body: new Uint8Array(),
      }),
    ).toEqual({ caller: { id: 'ana', via: 'cloud-identity' } });
  });
});
