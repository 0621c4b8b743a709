import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { projectFile } from '../models/paths';
import { COMMANDS, commandsFor } from './command-loader';

const packageVersion = () =>
  (JSON.parse(readFileSync(projectFile('package.json'), 'utf8')) as { version: string }).version;

async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name('hscode')
    .description('HS code prediction: validate data, train, evaluate and serve models')
    .version(packageVersion(), '-V, --version', 'print the version of hscode')
    .showHelpAfterError('(run with --help for usage)');
  for (const command of await Promise.all(
    commandsFor(argv).map((name) => (COMMANDS[name] as () => Promise<Command>)()),
  )) {
    program.addCommand(command);
  }
  await program.parseAsync(argv);
}

main(process.argv).catch((err: unknown) => {
  // Errors a user can act on are printed as one sentence; HSCODE_DEBUG=1 shows the stack.
  const message = err instanceof Error ? (process.env.HSCODE_DEBUG ? err.stack : err.message) : String(err);
  process.stderr.write(`hscode: ${message}\n`);
  process.exitCode = process.exitCode || 1;
});
