import { FUNCTION_ENV, OPTIONAL_FUNCTION_ENV } from '../../models/deployment';
import { readFunctionEnv } from './function-env';

const sha = 'a'.repeat(64);

describe('readFunctionEnv', () => {
  it('reads the deployment contract, with iam auth and no text recording by default', () => {
    expect(
      readFunctionEnv({
        [FUNCTION_ENV.store]: 's3://bucket',
        [FUNCTION_ENV.modelVariant]: 'textcnn',
        [FUNCTION_ENV.modelVersion]: 'textcnn-aaaaaaaaaaaa',
        [FUNCTION_ENV.modelSha256]: sha,
        [OPTIONAL_FUNCTION_ENV.retrainEpochs]: '3',
        [OPTIONAL_FUNCTION_ENV.coalesceWaitMs]: '0.5',
      }),
    ).toEqual({
      coalesceWaitMs: 0.5,
      store: 's3://bucket',
      recordText: false,
      auth: 'iam',
      pinned: { variant: 'textcnn', version: 'textcnn-aaaaaaaaaaaa', sha256: sha },
      retrain: { epochs: 3, withDefaultCorpus: true },
    });
  });

  it.each([
    [{}, /HSCODE_STORE is not set/],
    [{ [FUNCTION_ENV.auth]: 'anyone' }, /HSCODE_AUTH is "anyone"; use iam or public/],
    [{ [FUNCTION_ENV.recordText]: 'yes' }, /HSCODE_RECORD_TEXT is "yes"; use 1 or 0/],
    [{ [FUNCTION_ENV.modelSha256]: 'ABC' }, /HSCODE_MODEL_SHA256 must be 64 lower-case hex/],
    [{ [OPTIONAL_FUNCTION_ENV.retrainEpochs]: '0' }, /HSCODE_RETRAIN_EPOCHS is "0"; use a whole number/],
    [
      { [OPTIONAL_FUNCTION_ENV.coalesceWaitMs]: '-1' },
      /HSCODE_COALESCE_WAIT_MS is "-1"; use milliseconds from 0 to 1000/,
    ],
    [{ [OPTIONAL_FUNCTION_ENV.coalesceWaitMs]: 'soon' }, /HSCODE_COALESCE_WAIT_MS is "soon"/],
    [{ [OPTIONAL_FUNCTION_ENV.coalesceWaitMs]: '1001' }, /HSCODE_COALESCE_WAIT_MS is "1001"/],
  ])('names a wrong value and what is allowed: %j', (wrong, message) => {
    const env =
      'HSCODE_STORE' in wrong || Object.keys(wrong).length === 0
        ? wrong
        : { [FUNCTION_ENV.store]: '/tmp/x', ...wrong };
    expect(() => readFunctionEnv(env)).toThrow(message);
  });
});
