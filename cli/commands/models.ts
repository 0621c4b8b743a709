import { Command, InvalidArgumentError } from 'commander';
import { hostname, userInfo } from 'node:os';
import { hscodeHome } from '../../models/store-layout';
import { type ModelRef, modelRefKey } from '../../models/model-ref';
import { readHistory } from '../../runtime/registry/history';
import { Registry, positionOf, type ApplyResult } from '../../runtime/registry/registry';
import { readRegistryState, type RegistryState } from '../../runtime/registry/registry-state';
import { describeBrokenLink, verifyRegistry } from '../../runtime/registry/verify';
import { LocalObjectStore } from '../../runtime/store/local-store';
import { formatHistoryTable, formatModelTable, modelRows } from '../models-table';

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
};

const openStore = () => new LocalObjectStore(hscodeHome());

/** Who a decision made here is recorded as: the command line, and the account that ran it. */
export function cliActor(): string {
  let user = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment's name will do.
  }
  return `cli:${user}@${hostname()}`;
}

async function requireState(store: LocalObjectStore): Promise<RegistryState> {
  const read = await readRegistryState(store);
  if (!read) {
    throw new Error(
      `no model registry in ${store.root} yet: "hscode serve" or "hscode predict" registers the newest trained model as champion`,
    );
  }
  return read.state;
}

/** "<version>" or "<variant>/<version>", matched against the models the state routes. */
function findInState(state: RegistryState, given: string): ModelRef | undefined {
  const routed = [state.champion, ...state.challengers, ...state.shadows];
  return routed.find((ref) => ref.version === given || modelRefKey(ref) === given);
}

function describeRouting(state: RegistryState): string {
  const challengers = state.challengers.map(modelRefKey);
  return `champion ${modelRefKey(state.champion)}, challengers ${challengers.length ? challengers.join(', ') : 'none'}`;
}

function report(result: ApplyResult, done: (result: ApplyResult & { applied: true }) => string): void {
  if (result.applied && result.entry) {
    process.stdout.write(
      `${done(result as ApplyResult & { applied: true })} (history seq ${result.entry.seq})\n`,
    );
  } else {
    process.stdout.write(`nothing to do: ${result.reason ?? 'the registry already reflects this'}\n`);
  }
}

function listCommand(): Command {
  return new Command('list')
    .description('Show the models the registry routes: role, traffic share, creation time and scores')
    .option('--json', 'print the rows as a JSON array')
    .addHelpText(
      'after',
      `
Examples:
  $ hscode models list
  $ HSCODE_HOME=/srv/hscode hscode models list --json

Scores come from each model's manifest: top-1 accuracy at HS6 on its validation split, and at
HS2 (chapter) on the development set ("—" when the model was trained without one).`,
    )
    .action(async (opts: { json?: boolean }) => {
      const store = openStore();
      const rows = await modelRows(store, await requireState(store));
      process.stdout.write(opts.json ? `${JSON.stringify(rows)}\n` : `${formatModelTable(rows)}\n`);
      const unreadable = rows.filter((row) => row.problem);
      for (const row of unreadable) process.stderr.write(`${modelRefKey(row)}: ${row.problem}\n`);
    });
}

function historyCommand(): Command {
  return new Command('history')
    .description("Show the registry's decisions, oldest first: what changed, who decided and why")
    .option('--json', 'print the entries (with their full details, state and hashes) as a JSON array')
    .option('--limit <n>', 'only the newest n entries (default 20)', positive, 20)
    .addHelpText(
      'after',
      `
Examples:
  $ hscode models history
  $ hscode models history --json --limit 1000 > registry-audit.json

Every entry is chained to the one before by its sha256: "hscode models verify" checks the chain.`,
    )
    .action(async (opts: { json?: boolean; limit: number }) => {
      const entries = await readHistory(openStore(), { limit: opts.limit });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(entries)}\n`);
      } else if (entries.length === 0) {
        process.stdout.write('no registry decisions recorded yet\n');
      } else {
        process.stdout.write(`${formatHistoryTable(entries)}\n`);
      }
    });
}

function promoteCommand(): Command {
  return new Command('promote')
    .description('Make a challenger the champion; the champion becomes the fallback')
    .argument('<version>', 'the challenger\'s version (or "variant/version")')
    .requiredOption('--reason <text>', 'why: recorded in the history')
    .addHelpText(
      'after',
      `
Examples:
  $ hscode models promote textcnn-1a2b3c4d5e6f --reason "A/B week 12: +2.1 pts top-1 hs6"

The artifact is verified before it is promoted. The decision is recorded with actor "cli:<user>@<host>".`,
    )
    .action(async (given: string, opts: { reason: string }) => {
      const store = openStore();
      const state = await requireState(store);
      const ref = findInState(state, given);
      if (!ref || positionOf(state, ref) === 'shadow') {
        throw new Error(
          `${given} is not a challenger (${describeRouting(state)}): only a challenger can be promoted`,
        );
      }
      const result = await new Registry(store, { actor: cliActor() }).promote(ref, { reason: opts.reason });
      report(
        result,
        (r) =>
          `promoted ${modelRefKey(r.state.champion)} to champion; ${r.state.fallback ? modelRefKey(r.state.fallback) : 'nothing'} is the fallback`,
      );
    });
}

function rollbackCommand(): Command {
  return new Command('rollback')
    .description('Remove a challenger or shadow; without a version, put the fallback back as champion')
    .argument('[version]', 'a challenger or shadow to remove (or the champion, same as none)')
    .requiredOption('--reason <text>', 'why: recorded in the history')
    .addHelpText(
      'after',
      `
Examples:
  $ hscode models rollback --reason "complaints about chapter 61 since the promotion"
  $ hscode models rollback textcnn-1a2b3c4d5e6f --reason "challenger abstains too often"

The decision is recorded with actor "cli:<user>@<host>".`,
    )
    .action(async (given: string | undefined, opts: { reason: string }) => {
      const store = openStore();
      const state = await requireState(store);
      let ref: ModelRef | undefined;
      if (given !== undefined) {
        ref = findInState(state, given);
        if (!ref)
          throw new Error(`${given} is not serving (${describeRouting(state)}): nothing to roll back`);
      }
      const result = await new Registry(store, { actor: cliActor() }).rollback(ref, { reason: opts.reason });
      report(result, (r) => {
        const subject = r.entry ? modelRefKey(r.entry.subject) : '';
        return r.entry?.details.role === 'champion'
          ? `rolled back ${subject}: ${modelRefKey(r.state.champion)} is the champion again`
          : `removed ${subject} from the ${String(r.entry?.details.role)}s`;
      });
    });
}

function verifyCommand(): Command {
  return new Command('verify')
    .description("Check the history's hash chain, state.json against it, and every artifact they name")
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ hscode models verify
  $ hscode models verify --json

Exits with status 1 and names the first broken link: an edited or missing history entry, a
state.json changed outside the registry, or an artifact whose files no longer match. A model
whose training a --time-budget cut short gets a warning line: it cannot be reproduced elsewhere.`,
    )
    .action(async (opts: { json?: boolean }) => {
      const result = await verifyRegistry(openStore());
      if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      if (!result.ok) {
        if (opts.json) process.exitCode = 1;
        else throw new Error(`broken link: ${describeBrokenLink(result.broken)}`);
        return;
      }
      if (opts.json) return;
      const pending = result.notApplied
        ? `; seq ${result.notApplied.seq} (revision ${result.notApplied.revision}) is recorded but not applied yet: the next registry decision applies it`
        : '';
      const head = result.head
        ? `, head seq ${result.head.seq} (${result.head.sha256.slice(0, 12)}…)`
        : result.seed
          ? ', a seed the next registry decision records as seq 1'
          : '';
      process.stdout.write(
        `ok: ${result.entries} history entries chained${head}, state.json at revision ${result.revision ?? '—'}, ${result.artifacts} artifacts verified${pending}\n`,
      );
      for (const warning of result.warnings) process.stdout.write(`warning: ${warning}\n`);
    });
}

function migrateCommand(): Command {
  return new Command('migrate')
    .description('Anchor a registry history written by an older version, so that verify can check it')
    .addHelpText(
      'after',
      `
Older versions recorded no entry for the first champion and no history head beside
state.json, so the newest entries could be removed or rewritten unnoticed. This checks the chain
as far as the old format allows (hashes, links, state.json against the last entry), then appends
a "history-anchored" entry and records the head. Nothing is rewritten; running it again does
nothing. The next registry decision (a job, or a promote or rollback) does the same on its own.

Example:
  $ hscode models migrate && hscode models verify`,
    )
    .action(async () => {
      const store = openStore();
      await requireState(store);
      const entry = await new Registry(store, { actor: cliActor() }).ensureAnchored();
      process.stdout.write(
        entry
          ? `anchored: history seq ${entry.seq} (${entry.type}) is the head state.json now records\n`
          : 'nothing to do: the history is anchored already\n',
      );
    });
}

export function modelsCommand(): Command {
  return new Command('models')
    .description('Inspect and change the model registry: list, history, promote, rollback, verify, migrate')
    .addHelpText(
      'after',
      `
Examples:
  $ hscode models list
  $ hscode models history --limit 5
  $ hscode models promote textcnn-1a2b3c4d5e6f --reason "better on the development set"
  $ hscode models rollback --reason "regression reported by analysts"
  $ hscode models verify

Works on the store in $HSCODE_HOME (default ./var).`,
    )
    .addCommand(listCommand())
    .addCommand(historyCommand())
    .addCommand(promoteCommand())
    .addCommand(rollbackCommand())
    .addCommand(verifyCommand())
    .addCommand(migrateCommand());
}
