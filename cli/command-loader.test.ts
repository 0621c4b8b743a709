import { COMMANDS, commandsFor } from './command-loader';

const all = Object.keys(COMMANDS);
const argv = (...args: string[]) => ['node', 'hscode', ...args];

describe('commandsFor', () => {
  it('loads only the command a command line names, whatever options follow it', () => {
    expect(commandsFor(argv('serve', '--port', '0', '--workers', '1'))).toEqual(['serve']);
    expect(commandsFor(argv('models', 'list'))).toEqual(['models']);
  });

  it('loads every command for help, the version, no command or a mistyped one', () => {
    for (const line of [argv(), argv('--help'), argv('-V'), argv('help', 'serve'), argv('sevre')]) {
      expect(commandsFor(line)).toEqual(all);
    }
  });

  it('names each command as the command itself does', async () => {
    for (const name of all)
      expect((await (COMMANDS[name] as () => Promise<{ name(): string }>)()).name()).toBe(name);
  });
});
