import { committedText, GENERATED_FILES } from './generated-files';

describe('generated files', () => {
  it.each(Object.keys(GENERATED_FILES))('%s is what its sources generate today', (file) => {
    const fresh = committedText(file) === GENERATED_FILES[file]!();
    expect(fresh ? 'up to date' : `stale: run "npm run generate" and commit ${file}`).toBe('up to date');
  });
});
