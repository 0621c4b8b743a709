import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { projectFile } from '../models/paths';
import { dataCommand } from './commands/data-check';
import { evaluateCommand } from './commands/evaluate';
import { feedbackCommand } from './commands/feedback';
import { keysCommand } from './commands/keys';
import { jobsCommand } from './commands/jobs';
import { modelsCommand } from './commands/models';
import { predictCommand } from './commands/predict';
import { serveCommand } from './commands/serve';
import { trainCommand } from './commands/train';

const packageVersion = () =>
  (JSON.parse(readFileSync(projectFile('package.json'), 'utf8')) as { version: string }).version;

const program = new Command()
  .name('hscode')
  .description('HS code prediction: validate data, train, evaluate and serve models')
  .version(packageVersion(), '-V, --version', 'print the version of hscode')
  .showHelpAfterError('(run with --help for usage)')
  .addCommand(dataCommand())
  .addCommand(trainCommand())
  .addCommand(evaluateCommand())
  .addCommand(serveCommand())
  .addCommand(modelsCommand())
  .addCommand(jobsCommand())
  .addCommand(keysCommand())
  .addCommand(feedbackCommand())
  .addCommand(predictCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  // Errors a user can act on are printed as one sentence; HSCODE_DEBUG=1 shows the stack.
  const message = err instanceof Error ? (process.env.HSCODE_DEBUG ? err.stack : err.message) : String(err);
  process.stderr.write(`hscode: ${message}\n`);
  process.exitCode = process.exitCode || 1;
});
