import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The layers of the layout table, and what each may import (tests, beside the code or under
// tests/, may import anything). `models` ← `training` ← `runtime`, packaged by `infra`, which may
// read only `models`; the policy pack stands alone.
const FOLDERS = ['models', 'training', 'runtime', 'cli', 'infra', 'policies', 'bench', 'tests', 'scripts'];
const outside = (allowed) => FOLDERS.filter((folder) => !allowed.includes(folder));
const boundary = (files, forbidden, why, options = {}) => ({
  files,
  ignores: ['**/*.test.ts', ...(options.ignores ?? [])],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
            message: why,
            ...(options.allowTypeImports && { allowTypeImports: true }),
          },
        ],
      },
    ],
  },
});

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'var/',
      'data/',
      'bin/',
      'test-artifacts/',
      '**/*.mjs',
      '**/*.generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The pages' scripts run in the browser as ES modules, with no build step.
    files: ['runtime/web/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'module' },
  },
  {
    files: ['*.js', '**/*.cjs'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
    // Plain CommonJS scripts (the bin shim, the bundle test runners) load modules with require().
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  boundary(
    ['models/**/*.ts'],
    outside(['models']),
    'models/ is the model contract: it imports nothing else of ours.',
  ),
  boundary(['training/**/*.ts'], outside(['models', 'training']), 'training/ may import only models/.'),
  boundary(
    ['runtime/**/*.ts'],
    outside(['models', 'runtime']),
    'runtime/ may import models/; only the retrain job may import training/, so no inference path loads TensorFlow.js.',
    { ignores: ['runtime/jobs/retrain.ts', 'runtime/jobs/retrain-config.ts'], allowTypeImports: true },
  ),
  boundary(
    ['infra/**/*.ts'],
    outside(['models', 'infra']),
    'infra/ packages the runtime but never imports it: it may import only models/.',
  ),
  boundary(
    ['policies/**/*.ts'],
    outside(['policies']),
    'The policy pack stands alone: it imports nothing else of ours.',
  ),
  {
    // A session opened anywhere else would leave ONNX Runtime's telemetry on.
    files: ['**/*.ts'],
    ignores: ['models/onnx-session.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          // ort.InferenceSession.create, ort.InferenceSession['create'], InferenceSession.create
          "MemberExpression[object.property.name='InferenceSession'][property.name='create']",
          "MemberExpression[object.property.name='InferenceSession'][property.value='create']",
          "MemberExpression[object.name='InferenceSession'][property.name='create']",
          "MemberExpression[object.name='InferenceSession'][property.value='create']",
        ].map((selector) => ({
          selector,
          message:
            'Open ONNX Runtime sessions with openOnnxSession (models/onnx-session.ts): it keeps telemetry off.',
        })),
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
