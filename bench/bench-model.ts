import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNomenclature } from '../models/hs/nomenclature';
import type { ModelRef } from '../models/model-ref';
import { latestLocalModel } from '../runtime/local/local-models';
import { readRegistryState } from '../runtime/registry/registry-state';
import { LocalObjectStore } from '../runtime/store/local-store';
import { writeFixtureModel } from '../tests/helpers/model-fixture';

/**
 * The model a bench measures in a local store when none is named: what a newcomer's store serves
 * (the registry's champion), else the newest trained model. Says what to run when there is none.
 */
export async function benchModelRef(home: string, given: Partial<ModelRef> = {}): Promise<ModelRef> {
  if (given.variant && given.version) return { variant: given.variant, version: given.version };
  if (given.variant || given.version) throw new Error('pass both --variant and --version, or neither');
  const registered = await readRegistryState(new LocalObjectStore(home));
  if (registered) return registered.state.champion;
  const latest = latestLocalModel(home);
  if (latest) return latest;
  throw new Error(
    `${home} holds no registered or trained model: train one first (HSCODE_HOME=${home} npx hscode train), ` +
      'or pass --variant and --version of a model in it',
  );
}

/**
 * What a serving bench measures, from its arguments: `--model-home DIR [--variant V --version X]`
 * names a store's model (benchModelRef); without it, the catalogue's full-size variant with seeded
 * weights over every HS 2022 subheading, built into a temporary store (inference costs what a
 * trained model of the same shape costs). `trained` says which.
 */
export async function servingBenchModel(
  flag: (name: string) => string | undefined,
  corpusTexts: string[],
): Promise<{ home: string; ref: ModelRef; trained: boolean }> {
  const given = flag('--model-home');
  if (given) {
    return {
      home: given,
      ref: await benchModelRef(given, { variant: flag('--variant'), version: flag('--version') }),
      trained: true,
    };
  }
  const home = mkdtempSync(join(tmpdir(), 'hscode-bench-model-'));
  const fixture = await writeFixtureModel(home, {
    shrink: false,
    labels: [...loadNomenclature().subheadings.keys()].sort(),
    texts: corpusTexts,
  });
  return { home, ref: fixture.ref, trained: false };
}
