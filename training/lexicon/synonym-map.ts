import { bm25Tokens } from '../../models/retrieval/bm25-tokenizer';
import { MAX_READING_TOKENS, Synonyms } from '../../models/retrieval/synonyms';
import type { NounSynset, WordNetNouns } from './wordnet-nouns';

/**
 * A WordNet form with a capital anywhere ("Nike", "Bayer", "lily_of_the_Nile", "genus_Acarus")
 * names a person, place, brand or taxon: never read through.
 */
const isCommonNoun = (form: string) => !/\p{Lu}/u.test(form);

/**
 * The index's words a WordNet form stands for ("telephone_set" → telephone, set); undefined
 * unless every one is known, so a reading never brings an unknown word. A compound holding the
 * word itself is a reading only when the word is not its head, the last word: "jet_plane" reads
 * "jet" as "plane", but "battery_charger" would read "charger" as the battery it charges, and
 * "golf_tee" "tee" as golf.
 */
function knownReading(form: string, word: string, isKnown: (token: string) => boolean): string[] | undefined {
  if (!isCommonNoun(form)) return undefined;
  const tokens = bm25Tokens(form.replace(/_/g, ' '));
  if (tokens[tokens.length - 1] === word) return undefined;
  const reading = [...new Set(tokens.filter((token) => token !== word))];
  if (reading.length === 0 || reading.length > MAX_READING_TOKENS || !reading.every(isKnown))
    return undefined;
  return reading;
}

/**
 * How an unknown word is read, sense by sense in WordNet's order (most frequent first): a synonym
 * the index knows, else a word for what that sense is a kind of ("lipstick" → "lip rouge", else
 * "makeup"); failing every sense, no words: it is still a word, not a typo. A rarer sense is
 * reached only when a commoner one gives nothing, so "scarf" reads as the garment it mostly is,
 * not as the carpenter's "scarf joint". Undefined when the lemma is a proper noun in every sense.
 */
function readingOf(
  lemma: string,
  word: string,
  wordnet: WordNetNouns,
  isKnown: (token: string) => boolean,
): string[] | undefined {
  const senses = wordnet
    .senses(lemma)
    .filter((sense) => sense.words.some((form) => form.toLowerCase() === lemma && isCommonNoun(form)));
  if (senses.length === 0) return undefined;
  const firstReading = (synsets: readonly NounSynset[]) => {
    for (const synset of synsets) {
      for (const form of synset.words) {
        if (form.toLowerCase() === lemma) continue;
        const reading = knownReading(form, word, isKnown);
        if (reading) return reading;
      }
    }
    return undefined;
  };
  for (const sense of senses) {
    const hypernyms = sense.hypernyms.map((offset) => wordnet.synset(offset) as NounSynset);
    const reading = firstReading([sense]) ?? firstReading(hypernyms);
    if (reading) return reading;
  }
  return [];
}

/**
 * Readings for the one-word WordNet nouns the index does not know ("phone" → telephone, "sofa"
 * → couch, "nappy" → diaper; "lady" → none, but a word), keyed by the word as the index
 * tokenises it. Built at training time against the index's own vocabulary, so it ships with the
 * index it was made for, and it depends only on WordNet and that vocabulary: nothing here is
 * fitted to any evaluation set.
 */
export function buildSynonymMap(wordnet: WordNetNouns, isKnown: (token: string) => boolean): Synonyms {
  const readings = new Map<string, readonly string[]>();
  // A lemma whose token is itself ("battery") goes before one that folds onto it ("batteries",
  // which sorts first).
  const lemmas = wordnet.lemmas().filter((lemma) => /^[a-z]{3,}$/.test(lemma));
  const tokenOf = new Map(lemmas.map((lemma) => [lemma, bm25Tokens(lemma)]));
  const exactFirst = [
    ...lemmas.filter((lemma) => tokenOf.get(lemma)?.[0] === lemma),
    ...lemmas.filter((lemma) => tokenOf.get(lemma)?.[0] !== lemma),
  ];
  for (const lemma of exactFirst) {
    const tokens = tokenOf.get(lemma) as string[];
    const word = tokens[0];
    if (tokens.length !== 1 || word === undefined || isKnown(word) || readings.has(word)) continue;
    const reading = readingOf(lemma, word, wordnet, isKnown);
    if (reading) readings.set(word, reading);
  }
  return Synonyms.of(readings);
}
