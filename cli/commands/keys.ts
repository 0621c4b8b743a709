import { Command } from 'commander';
import Table from 'cli-table3';
import { hscodeHome } from '../../models/store-layout';
import { addApiKey, apiKeysFile, listApiKeys, revokeApiKey } from '../../runtime/core/api-keys';

export function keysCommand(): Command {
  const add = new Command('add')
    .description("Make an analyst's API key for feedback; it is printed once and only its sha256 is kept")
    .argument('<name>', 'who holds the key (recorded beside its id)')
    .addHelpText('after', '\nExample:\n  $ hscode keys add "Ana Lima"')
    .action(async (name: string) => {
      const { id, key } = await addApiKey(hscodeHome(), name);
      process.stderr.write(`key ${id} for ${name}: store it now, it is not shown again\n`);
      process.stdout.write(`${key}\n`);
    });
  const list = new Command('list')
    .description('Show the keys: id, holder, created, revoked (never the keys themselves)')
    .option('--json', 'print them as JSON')
    .addHelpText('after', '\nExample:\n  $ hscode keys list')
    .action((opts: { json?: boolean }) => {
      const keys = listApiKeys(hscodeHome()).map(({ id, name, createdAt, revokedAt }) => ({
        id,
        name,
        createdAt,
        revokedAt: revokedAt ?? null,
      }));
      if (opts.json) return void process.stdout.write(`${JSON.stringify(keys)}\n`);
      if (keys.length === 0)
        return void process.stdout.write('no keys yet: "hscode keys add <name>" makes one\n');
      const table = new Table({ head: ['id', 'name', 'created', 'revoked'] });
      for (const k of keys) table.push([k.id, k.name, k.createdAt, k.revokedAt ?? '—']);
      process.stdout.write(`${table.toString()}\n`);
    });
  const revoke = new Command('revoke')
    .description('Revoke a key (by id or holder): the next request with it is refused')
    .argument('<id-or-name>')
    .addHelpText('after', '\nExample:\n  $ hscode keys revoke 1a2b3c4d')
    .action(async (given: string) => {
      const revoked = await revokeApiKey(hscodeHome(), given);
      if (revoked.length === 0) throw new Error(`no active key has id or name ${JSON.stringify(given)}`);
      process.stdout.write(`revoked ${revoked.map((k) => `${k.id} (${k.name})`).join(', ')}\n`);
    });
  return new Command('keys')
    .description(
      `Analysts' API keys for feedback on the embedded server (kept in ${apiKeysFile('$HSCODE_HOME')})`,
    )
    .addHelpText(
      'after',
      `
Feedback (POST /v1/feedback) needs "Authorization: Bearer <key>"; each record names the key's id.

Examples:
  $ hscode keys add "Ana Lima"
  $ hscode keys list
  $ hscode keys revoke 1a2b3c4d`,
    )
    .addCommand(add)
    .addCommand(list)
    .addCommand(revoke);
}
