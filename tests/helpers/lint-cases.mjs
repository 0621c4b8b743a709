// Lints snippets as if each sat at a given path, with the project's own ESLint configuration, and
// prints the messages of the boundary rules (imports, and who may open an ONNX Runtime session)
// per case as JSON. A child process because ESLint loads its flat config with a dynamic import,
// which jest's module sandbox does not allow.
import { ESLint } from 'eslint';

const cases = JSON.parse(process.argv[2]);
const eslint = new ESLint({ cwd: process.cwd() });
const results = [];
for (const { filePath, code } of cases) {
  const [result] = await eslint.lintText(code, { filePath });
  results.push(
    result.messages
      .filter((m) => ['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax'].includes(m.ruleId))
      .map((m) => m.message),
  );
}
process.stdout.write(JSON.stringify(results));
