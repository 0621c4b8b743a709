/**
 * Rewrites the files generated from other sources in this repository: run `npm run generate`
 * after changing the HS nomenclature CSV or a JSON schema. A test fails while any of them is stale.
 */
import { writeFileSync } from 'node:fs';
import { projectFile } from '../models/paths';
import { committedText, GENERATED_FILES } from './generated-files';

for (const [file, derive] of Object.entries(GENERATED_FILES)) {
  const text = derive();
  if (text === committedText(file)) {
    console.log(`${file}: up to date`);
  } else {
    writeFileSync(projectFile(file), text);
    console.log(`${file}: written (${text.length.toLocaleString('en')} characters)`);
  }
}
