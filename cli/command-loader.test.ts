import { COMMANDS, commandsFor } from './command-loader';

const all = Object.keys(COMMANDS);
const argv = (...args: string[]) => ['node', 'hscode', ...args];

describe('commandsFor', () => {
  it('loads only the command a command line starts with, whatever follows it', () => {
    expect(commandsFor(argv('serve', '--port', '0', '--workers', '1'))).toEqual(['serve']);
    expect(commandsFor(argv('models', 'list'))).toEqual(['models']);
    expect(commandsFor(argv('predict', 'serve'))).toEqual(['predict']);
  });

  it('loads every command for help, the version, no command, a mistyped one or an inherited name', () => {
    for (const line of [
      argv(),
      argv('--help'),
      argv('--help', 'serve'),
      argv('-h', 'serve'),
      argv('-V'),
      argv('help', 'serve'),
      argv('sevre'),
      argv('toString'),
      argv('__proto__'),
    ]) {
      expect(commandsFor(line)).toEqual(all);
    }
  });

  it('names each command as the command itself does', async () => {
    for (const name of all)
      expect((await (COMMANDS[name] as () => Promise<{ name(): string }>)()).name()).toBe(name);
  });
});
