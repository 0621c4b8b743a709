/** @type {import('jest').Config} */
module.exports = {
  // onnxruntime-node returns typed arrays of Node's realm; see the environment file.
  testEnvironment: '<rootDir>/tests/helpers/node-realm-environment.ts',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // Training tests are CPU-bound; two workers match the two cores CI has.
  maxWorkers: 2,
  testTimeout: 120000,
  // One temporary folder per run, removed at its end (see the setup file).
  globalSetup: '<rootDir>/tests/helpers/temp-root-setup.ts',
  globalTeardown: '<rootDir>/tests/helpers/temp-root-teardown.ts',
};
