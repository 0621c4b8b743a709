import { Command } from 'commander';

const program = new Command()
  .name('hscode')
  .description('HS code prediction: train, evaluate and serve models')
  .showHelpAfterError();

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
