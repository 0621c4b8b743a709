import { predictFile } from '../../cli/predict-file';
import { openLocalService } from '../../runtime/local/local-service';

/**
 * Predicts the file named on the command line, then collects garbage (run with --expose-gc) and
 * waits: a file handle the input stream left for the collector to close would crash the process
 * here, as it did at random in `hscode predict --file`.
 */
async function main(): Promise<void> {
  const [home, file] = process.argv.slice(2) as [string, string];
  const { service } = await openLocalService({ home, log: () => undefined });
  const summary = await predictFile(service, { file, topK: 3 });
  await service.close();
  for (let round = 0; round < 3; round++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  process.stdout.write(JSON.stringify(summary.rows));
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
