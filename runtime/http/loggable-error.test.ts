import { loggableError } from './loggable-error';

describe('loggableError', () => {
  const failure = new Error(
    "ENOENT: no such file or directory, open '/tmp/hscode-x1/models/textcnn/v3/model.onnx'",
  );

  it('gives the message without the stack, and machine paths cut to their file name', () => {
    const line = loggableError(failure, false);
    expect(line).toBe("ENOENT: no such file or directory, open '.../model.onnx'");
    expect(loggableError(new TypeError('C:\\Users\\ana\\hscode\\var\\x.json is bad'), false)).toBe(
      'TypeError: .../x.json is bad',
    );
  });

  it('keeps API routes and short names readable', () => {
    expect(loggableError(new Error('/v1/predict answered 500 for models/v1'), false)).toBe(
      '/v1/predict answered 500 for models/v1',
    );
  });

  it('keeps only the first line of a multi-line message', () => {
    expect(loggableError(new Error('first\n    at /srv/app/x/y.js:1:1'), false)).toBe('first');
  });

  it('gives the whole stack with debug logging on', () => {
    expect(loggableError(failure, true)).toContain('at ');
    expect(loggableError(failure, true)).toContain('/tmp/hscode-x1/models');
  });
});
