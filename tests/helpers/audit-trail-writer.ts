import { LocalObjectStore } from '../../runtime/store/local-store';
import { storeFeedback, writeTrail } from './audit-load';

/**
 * Child-process entry, outside Jest's module sandbox (where generating hundreds of thousands of
 * records takes minutes): writes the trail `<shape>` of `<models>` and its feedback under `<home>`.
 * Prints JSON.
 */
const [home, shape, models] = process.argv.slice(2) as [string, string, string];
writeTrail(home, JSON.parse(shape), JSON.parse(models)).then(
  async ({ lines, bytes, feedback }) => {
    await storeFeedback(new LocalObjectStore(home), feedback);
    process.stdout.write(JSON.stringify({ lines, bytes, feedback: feedback.length }));
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
