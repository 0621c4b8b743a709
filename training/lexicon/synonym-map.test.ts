import { buildSynonymMap } from './synonym-map';
import { WordNetNouns } from './wordnet-nouns';

// A few synsets in WordNet's own file format (wndb(5WN)): offset, lexicographer file, type,
// word count in hex, words with lexical ids, pointer count, pointers, gloss.
const DATA = [
  '  1 This software and database is being provided to you, the LICENSEE, by Princeton University',
  '00000001 06 n 03 telephone 0 phone 0 telephone_set 0 001 @ 00000002 n 0000 | electronic equipment for speech',
  '00000002 06 n 01 electronic_equipment 0 000 | equipment that involves the controlled conduction of electrons',
  '00000003 05 n 02 charger 0 courser 0 001 @ 00000004 n 0000 | a horse trained for battle',
  '00000004 05 n 02 horse 0 Equus_caballus 0 000 | solid-hoofed herbivorous quadruped',
  '00000005 06 n 02 battery_charger 0 charger 0 000 | a device for charging or recharging batteries',
  '00000006 18 n 01 Nike 0 001 @ 00000007 n 0000 | the Greek goddess of victory',
  '00000007 18 n 01 goddess 0 000 | a female deity',
  '00000008 06 n 02 lipstick 0 lip_rouge 0 001 @ 00000009 n 0000 | makeup that is used to color the lips',
  '00000009 06 n 02 makeup 0 make-up 0 000 | cosmetics applied to the face',
  '00000010 06 n 02 pram 0 baby_buggy_with_a_big_hood_and_wheels 0 000 | a small vehicle for a baby',
  '00000011 06 n 02 sofa 0 couch 0 000 | an upholstered seat for more than one person',
  '00000012 06 n 02 cotton 0 cotton_wool 0 000 | soft silky fibers',
  '00000013 06 n 02 jet 0 jet_plane 0 000 | an airplane powered by jet engines',
  '00000014 20 n 02 agapanthus 0 lily_of_the_Nile 0 000 | a plant with blue flowers',
  '00000015 06 n 02 batteries 0 cells 0 000 | (a made-up synset) several cells',
  '00000016 06 n 02 battery 0 accumulator 0 000 | a device that stores charge',
  '00000017 10 n 03 phone 0 speech_sound 0 sound 0 000 | (linguistics) an individual sound unit of speech',
].join('\n');

const INDEX = [
  '  1 This software and database is being provided to you, the LICENSEE, by Princeton University',
  'agapanthus n 1 0 1 0 00000014  ',
  'batteries n 1 0 1 0 00000015  ',
  'battery n 1 0 1 0 00000016  ',
  'charger n 2 1 @ 2 1 00000003 00000005  ',
  'cotton n 1 0 1 0 00000012  ',
  'jet n 1 0 1 0 00000013  ',
  'lipstick n 1 1 @ 1 0 00000008  ',
  'nike n 1 1 @ 1 0 00000006  ',
  'phone n 2 1 @ 2 1 00000001 00000017  ',
  'pram n 1 0 1 0 00000010  ',
  'sofa n 1 0 1 0 00000011  ',
].join('\n');

const wordnet = WordNetNouns.parse(INDEX, DATA);
const knowing =
  (...words: string[]) =>
  (token: string) =>
    words.includes(token);

describe('buildSynonymMap', () => {
  it('reads an unknown word as the first synonym the index knows, in the order of its senses', () => {
    const map = buildSynonymMap(wordnet, knowing('telephone', 'set', 'couch'));
    expect(map.get('phone')).toEqual(['telephone']);
    expect(map.get('sofa')).toEqual(['couch']);
  });

  it('goes on to later senses when the first has no known synonym', () => {
    expect(buildSynonymMap(wordnet, knowing('sound')).get('phone')).toEqual(['sound']);
    expect(buildSynonymMap(wordnet, knowing('sound', 'telephone')).get('phone')).toEqual(['telephone']);
    // With "courser" known, the first (most frequent) sense wins, however odd for a trader.
    expect(buildSynonymMap(wordnet, knowing('battery', 'courser')).get('charger')).toEqual(['courser']);
  });

  it('reads a word through a compound only when the word is not its head', () => {
    // "jet plane" is a plane: "jet" reads as "plane".
    expect(buildSynonymMap(wordnet, knowing('plane')).get('jet')).toEqual(['plane']);
    // "battery charger" is a charger, not a battery: it gives "charger" no reading, and the
    // first sense's "horse" is what is left.
    expect(buildSynonymMap(wordnet, knowing('battery', 'horse')).get('charger')).toEqual(['horse']);
    expect(buildSynonymMap(wordnet, knowing('battery')).get('charger')).toEqual([]);
  });

  it('reads a sense as what it is a kind of before going on to a rarer sense', () => {
    // The first sense (a telephone) is a kind of electronic equipment; the rarer "speech sound"
    // sense of "phone" is reached only when the first gives nothing at all.
    expect(buildSynonymMap(wordnet, knowing('electronic', 'equipment', 'sound')).get('phone')).toEqual([
      'electronic',
      'equipment',
    ]);
  });

  it('falls back on what the first sense is a kind of when it has no known synonym', () => {
    expect(buildSynonymMap(wordnet, knowing('makeup')).get('lipstick')).toEqual(['makeup']);
    expect(buildSynonymMap(wordnet, knowing('lip', 'rouge', 'makeup')).get('lipstick')).toEqual([
      'lip',
      'rouge',
    ]);
    expect(buildSynonymMap(wordnet, knowing('electronic', 'equipment')).get('phone')).toEqual([
      'electronic',
      'equipment',
    ]);
  });

  it('holds a common noun it cannot read as a word with no reading, so it is never "corrected"', () => {
    const map = buildSynonymMap(wordnet, knowing('lip', 'baby', 'buggy', 'big', 'hood', 'wheel'));
    // "rouge" is unknown and so is "makeup": no reading, but a word.
    expect(map.get('lipstick')).toEqual([]);
    // "baby buggy with a big hood and wheels" is five known words after stop words: too long.
    expect(map.get('pram')).toEqual([]);
  });

  it('never reads through a name: a form with a capital anywhere', () => {
    expect(buildSynonymMap(wordnet, knowing('goddess')).get('nike')).toBeUndefined();
    // "lily_of_the_Nile" names a place; "Equus_caballus" a taxon.
    expect(buildSynonymMap(wordnet, knowing('lily', 'nile')).get('agapanthus')).toEqual([]);
    expect(buildSynonymMap(wordnet, knowing('equus', 'caballus')).get('charger')).toEqual([]);
  });

  it('gives no reading for a word the index already knows', () => {
    const map = buildSynonymMap(wordnet, knowing('cotton', 'couch', 'sofa'));
    expect(map.get('cotton')).toBeUndefined();
    expect(map.get('sofa')).toBeUndefined();
  });

  it('reads a word through its own lemma before a lemma that folds onto it, which sorts first', () => {
    // "batteries" (→ battery) sorts before "battery"; the lemma "battery" still decides.
    expect(buildSynonymMap(wordnet, knowing('cell', 'accumulator')).get('battery')).toEqual(['accumulator']);
    expect(buildSynonymMap(wordnet, knowing('cell')).get('battery')).toEqual([]);
  });
});

describe('WordNetNouns', () => {
  it('refuses an index entry that names a synset the data does not hold', () => {
    expect(() => WordNetNouns.parse('sofa n 1 0 1 0 00000099  ', DATA)).toThrow(
      /"sofa" names a synset data.noun does not hold/,
    );
  });

  it('refuses a synset that is a kind of one the data does not hold', () => {
    expect(() => WordNetNouns.parse('', '00000001 06 n 01 sofa 0 001 @ 00000099 n 0000 | a seat')).toThrow(
      /synset 00000001 is a kind of 00000099, which it does not hold/,
    );
  });

  it('refuses a synset line it cannot read', () => {
    expect(() => WordNetNouns.parse('', '00000001 06 n zz telephone 0')).toThrow(
      /cannot read the synset line/,
    );
  });

  it('reads the WordNet 3.1 the project depends on, and finds common trade words there', () => {
    const real = WordNetNouns.load();
    const formsOfFirstSense = (lemma: string) => real.senses(lemma)[0]?.words;
    expect(formsOfFirstSense('phone')).toEqual(['telephone', 'phone', 'telephone_set']);
    expect(formsOfFirstSense('nappy')).toContain('diaper');
    expect(real.lemmas().length).toBeGreaterThan(100_000);
    // The files' hash is the synonyms' recorded source: another WordNet gives other models.
    expect(real.source).toBe('WordNet 3.1 nouns, sha256 1dac99a0f30838ab');
    // "scarf" is mostly a garment; its second sense is the carpenter's "scarf joint".
    expect(buildSynonymMap(real, knowing('garment', 'joint')).get('scarf')).toEqual(['garment']);
  });
});
