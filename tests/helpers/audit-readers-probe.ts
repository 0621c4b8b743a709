import { measureAuditReaders } from './audit-readers';

/**
 * Child-process entry: measures the audit readers over the deployment at `<home>` as of `<now>`,
 * in a process that loads nothing else. Prints JSON.
 */
const [home, now] = process.argv.slice(2) as [string, string];
measureAuditReaders(home, new Date(now)).then(
  (report) => process.stdout.write(JSON.stringify(report)),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
