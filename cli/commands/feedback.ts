import { Command } from 'commander';
import Table from 'cli-table3';
import { hscodeHome } from '../../models/store-layout';
import { listApiKeys } from '../../runtime/core/api-keys';
import type { FeedbackRecord } from '../../runtime/core/feedback';
import { LocalObjectStore } from '../../runtime/store/local-store';

async function heldRecords(store: LocalObjectStore): Promise<Array<{ key: string; record: FeedbackRecord }>> {
  const found: Array<{ key: string; record: FeedbackRecord }> = [];
  for (const key of await store.list('feedback/')) {
    const object = await store.get(key);
    if (!object) continue;
    const record = JSON.parse(Buffer.from(object.body).toString('utf8')) as FeedbackRecord;
    if (record.review?.status === 'held') found.push({ key, record });
  }
  return found;
}

function decideCommand(name: 'release' | 'reject'): Command {
  const releasing = name === 'release';
  return new Command(name)
    .description(
      releasing
        ? 'Release a held correction: it scores the A/B test and may train from now on'
        : 'Reject a held correction: it is kept, but never scores or trains',
    )
    .argument('<prediction-id>', 'the prediction the correction is about')
    .requiredOption('--as <key-id>', "the deciding analyst's key id (from hscode keys list)")
    .option('--reason <text>', 'why: recorded with the decision')
    .addHelpText(
      'after',
      `\nExample:\n  $ hscode feedback ${name} 0b6f… --as 1a2b3c4d --reason "checked the invoice"`,
    )
    .action(async (predictionId: string, opts: { as: string; reason?: string }) => {
      const home = hscodeHome();
      const analyst = listApiKeys(home).find((k) => k.id === opts.as && !k.revokedAt);
      if (!analyst) throw new Error(`${opts.as} is not an active key id: see "hscode keys list"`);
      const store = new LocalObjectStore(home);
      const held = (await heldRecords(store)).filter(
        (h) => h.record.predictionId === predictionId.toLowerCase(),
      );
      if (held.length === 0)
        throw new Error(`no held correction for prediction ${predictionId}: see "hscode feedback held"`);
      for (const { key, record } of held) {
        if (record.givenBy?.id === `key:${analyst.id}`) {
          throw new Error('a correction is released or rejected by another analyst than the one who gave it');
        }
        const review = {
          ...record.review!,
          status: releasing ? ('released' as const) : ('rejected' as const),
          decidedBy: `key:${analyst.id}`,
          decidedAt: new Date().toISOString(),
          ...(opts.reason ? { reason: opts.reason } : {}),
        };
        await store.put(key, `${JSON.stringify({ ...record, review }, null, 2)}\n`);
      }
      process.stdout.write(
        `${releasing ? 'released' : 'rejected'} the correction of ${predictionId} as ${analyst.id} (${analyst.name})\n`,
      );
    });
}

export function feedbackCommand(): Command {
  const held = new Command('held')
    .description('List corrections held for review, with what the model said and who corrected it')
    .option('--json', 'print the records as JSON')
    .addHelpText('after', '\nExample:\n  $ hscode feedback held')
    .action(async (opts: { json?: boolean }) => {
      const records = (await heldRecords(new LocalObjectStore(hscodeHome()))).map((h) => h.record);
      if (opts.json) return void process.stdout.write(`${JSON.stringify(records)}\n`);
      if (records.length === 0) return void process.stdout.write('no corrections are held for review\n');
      const table = new Table({
        head: ['prediction', 'given by', 'model said', 'corrected to', 'why held'],
        wordWrap: true,
        colWidths: [38, 16, 14, 14, 50],
      });
      for (const r of records) {
        const top = r.prediction?.topK[0];
        table.push([
          r.predictionId,
          r.givenBy?.id ?? '—',
          top ? `${top.hs6} (${top.probability.toFixed(2)})` : '—',
          r.hs6,
          r.review?.rule ?? '',
        ]);
      }
      process.stdout.write(`${table.toString()}\n`);
    });
  return new Command('feedback')
    .description(
      'Review feedback: corrections held because they contradict a confident model across chapters',
    )
    .addHelpText(
      'after',
      `
A correction is held when the model was confident (top-1 at or above its abstain threshold), the
corrected code is none of its candidates, and it lies in another chapter than its top-1. Held
corrections neither score the A/B test nor train until another analyst releases them.

Examples:
  $ hscode feedback held
  $ hscode feedback release 0b6f… --as 1a2b3c4d --reason "checked the invoice"`,
    )
    .addCommand(held)
    .addCommand(decideCommand('release'))
    .addCommand(decideCommand('reject'));
}
