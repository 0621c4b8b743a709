import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../models/paths';

// Only models/onnx-session.ts may open an ONNX Runtime session itself (it keeps telemetry off).
const OPENS_SESSION =
  "import * as x from 'onnxruntime-node';\nvoid x.InferenceSession.create(new Uint8Array(0));";

// The layers the layout table promises, enforced by the project's own ESLint configuration:
// each case lints one import as if it sat in the named file.
const refused: Array<[string, string, RegExp]> = [
  [
    'models/encoder/fixture.ts',
    "import { x } from '../../runtime/store/local-store';",
    /models\/ is the model contract/,
  ],
  ['models/fixture.ts', "import { x } from '../training/train';", /models\/ is the model contract/],
  ['training/fixture.ts', "import { x } from '../runtime/core/router';", /training\/ may import only models/],
  ['training/export/fixture.ts', "import { x } from '../../cli/main';", /training\/ may import only models/],
  [
    'runtime/core/fixture.ts',
    "import { x } from '../../training/train';",
    /only the retrain job may import training/,
  ],
  [
    'runtime/aws/fixture.ts',
    "import { x } from '../../training/corpus';",
    /only the retrain job may import training/,
  ],
  [
    'infra/aws/fixture.ts',
    "import { x } from '../../runtime/store/object-store';",
    /infra\/ packages the runtime/,
  ],
  ['policies/rules/fixture.ts', "import { x } from '../../models/deployment';", /policy pack stands alone/],
  ['training/fixture.ts', OPENS_SESSION, /openOnnxSession/],
  ['runtime/core/fixture.test.ts', OPENS_SESSION, /openOnnxSession/],
  [
    'runtime/core/fixture.ts',
    "import * as x from 'onnxruntime-node';\nvoid x.InferenceSession['create'](new Uint8Array(0));",
    /openOnnxSession/,
  ],
  [
    'bench/fixture.ts',
    "import { InferenceSession } from 'onnxruntime-node';\nconst x = InferenceSession.create(new Uint8Array(0));",
    /openOnnxSession/,
  ],
];
const allowed: Array<[string, string]> = [
  ['training/fixture.ts', "import { x } from '../models/variants';"],
  ['runtime/core/fixture.ts', "import { x } from '../../models/model-ref';"],
  ['runtime/jobs/fixture.ts', "import type { x } from '../../training/dataset';"],
  ['runtime/jobs/retrain.ts', "import { x } from '../../training/train';"],
  ['infra/aws/fixture.ts', "import { x } from '../../models/deployment';"],
  ['policies/rules/fixture.ts', "import { x } from '../tags';"],
  ['cli/fixture.ts', "import { x } from '../training/train';"],
  ['models/fixture.test.ts', "import { x } from '../runtime/store/local-store';"],
  ['models/onnx-session.ts', OPENS_SESSION],
];

let messages: string[][];
beforeAll(() => {
  const cases = [...refused, ...allowed].map(([filePath, code]) => ({
    filePath,
    code: `${code}\nexport const used = x;\n`,
  }));
  const output = execFileSync(
    process.execPath,
    [join('tests', 'helpers', 'lint-cases.mjs'), JSON.stringify(cases)],
    {
      cwd: projectRoot(),
      encoding: 'utf8',
    },
  );
  messages = JSON.parse(output) as string[][];
}, 60_000);

describe('import boundaries', () => {
  it.each(refused.map((c, i) => [c[0], i] as const))('refuses a wrong import in %s', (_file, i) => {
    const errors = messages[i] as string[];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch((refused[i] as [string, string, RegExp])[2]);
  });

  it.each(allowed.map((c, i) => [c[0], i] as const))('allows what the layout allows in %s', (_file, i) => {
    expect(messages[refused.length + i]).toEqual([]);
  });
});
