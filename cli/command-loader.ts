import type { Command } from 'commander';

/**
 * Every command, by the name a user types, loaded only when needed: loading all nine modules
 * (and the libraries they import) cost some 75 ms of every start here, `hscode serve`'s included,
 * to run one of them.
 */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  data: async () => (await import('./commands/data-check')).dataCommand(),
  train: async () => (await import('./commands/train')).trainCommand(),
  evaluate: async () => (await import('./commands/evaluate')).evaluateCommand(),
  serve: async () => (await import('./commands/serve')).serveCommand(),
  models: async () => (await import('./commands/models')).modelsCommand(),
  jobs: async () => (await import('./commands/jobs')).jobsCommand(),
  keys: async () => (await import('./commands/keys')).keysCommand(),
  feedback: async () => (await import('./commands/feedback')).feedbackCommand(),
  predict: async () => (await import('./commands/predict')).predictCommand(),
};

/**
 * The commands a command line needs: the one it starts with, or all of them otherwise (`--help`
 * or `--help serve`, `--version`, no command, a mistyped name the help should list the others for).
 */
export function commandsFor(argv: readonly string[]): string[] {
  const first = argv[2];
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
}
