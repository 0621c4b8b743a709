import { BM25_TOKENIZER_VERSION } from './bm25-tokenizer';
import { LEXICAL_INDEX_MAGIC, LexicalIndex, type LexicalIndexData } from './lexical-index';
import { decodeSections, encodeSections } from './binary-sections';
import { Synonyms } from './synonyms';

const LABELS = ['030617', '610910', '851712'];
const ROWS = [
  { hs6: '030617', text: 'frozen shrimp peeled and deveined' },
  { hs6: '030617', text: '冷冻南美白虾 31/40规格' },
  { hs6: '610910', text: "men's cotton knitted t-shirt" },
  { hs6: '851712', text: 'smartphone 128 GB dual sim' },
  { hs6: '999999', text: 'a code the model has no output for' },
];
const NOMENCLATURE = [
  { hs6: '030617', text: 'Crustaceans; frozen, shrimps and prawns' },
  { hs6: '610910', text: 'T-shirts, singlets and other vests; knitted or crocheted, of cotton' },
  { hs6: '851712', text: 'Telephones for cellular networks or for other wireless networks' },
];

const build = () => LexicalIndex.build(LABELS, ROWS, NOMENCLATURE);

describe('LexicalIndex', () => {
  it('scores each label by its best nomenclature text and its best labelled row', () => {
    const { nomenclature, rows } = build().scores('frozen shrimp');
    expect(rows[0]).toBeGreaterThan(0);
    expect(rows[1]).toBe(0);
    expect(nomenclature[0]).toBeGreaterThan(0);
    expect(nomenclature[2]).toBe(0);
  });

  it('meets a typed-wrong word at the word it was meant to be', () => {
    const index = build();
    expect(index.scores('frozen shrrimp')).toEqual(index.scores('frozen shrimp'));
    expect(index.scores('smartphnoe').rows[2]).toBeGreaterThan(0);
    // A word with no known neighbour matches nothing rather than something arbitrary.
    expect(index.hits('qqqqqqqq').labels).toHaveLength(0);
  });

  it('matches unspaced scripts by character pairs', () => {
    expect(build().scores('冷冻虾').rows[0]).toBeGreaterThan(0);
  });

  it('leaves out documents of codes the model has no output for', () => {
    expect(build().documents).toEqual({ nomenclature: 3, rows: 4 });
  });

  it('round-trips through its JSON to the same scores and the same bytes', () => {
    const index = build();
    const json = index.toJson();
    expect(build().toJson()).toBe(json);
    const loaded = LexicalIndex.fromJson(json, LABELS.length);
    for (const query of ['frozen shrimp', 'cotton tee', 'mobile phone smartphone', '冷冻虾']) {
      expect(loaded.scores(query)).toEqual(index.scores(query));
    }
    expect(loaded.toJson()).toBe(json);
  });

  it('round-trips through its binary form (format 3) to the same scores and the same bytes', () => {
    const index = build();
    const stored = index.toBytes();
    expect(Buffer.from(build().toBytes()).equals(Buffer.from(stored))).toBe(true);
    const loaded = LexicalIndex.fromBytes(stored, LABELS.length);
    for (const query of ['frozen shrimp', 'cotton tee', 'mobile phone smartphone', '冷冻虾', 'smartphnoe']) {
      expect(loaded.scores(query)).toEqual(index.scores(query));
    }
    expect(Buffer.from(loaded.toBytes()).equals(Buffer.from(stored))).toBe(true);
    expect(loaded.toJson(2)).toBe(index.toJson(2));
  });

  it('reads format 3 from bytes that do not start on an 8-byte boundary (a store buffer)', () => {
    const stored = build().toBytes();
    const shifted = new Uint8Array(stored.length + 3).subarray(3);
    shifted.set(stored);
    expect(shifted.byteOffset % 8).toBe(3);
    expect(LexicalIndex.fromBytes(shifted, LABELS.length).toBytes()).toEqual(stored);
    // A Node Buffer too, whose slice() is a view at the same offset, not an aligned copy.
    const buffer = Buffer.alloc(stored.length + 5).subarray(5);
    buffer.set(stored);
    expect(buffer.byteOffset % 4).not.toBe(0);
    expect(LexicalIndex.fromBytes(buffer, LABELS.length).toBytes()).toEqual(stored);
  });

  it('reads the JSON formats from bytes too, so models trained before format 3 still load', () => {
    const index = build();
    for (const version of [1, 2] as const) {
      const loaded = LexicalIndex.fromBytes(Buffer.from(index.toJson(version), 'utf8'), LABELS.length);
      expect(loaded.scores('frozen shrimp')).toEqual(index.scores('frozen shrimp'));
    }
  });

  it('refuses a binary index that is cut short, padded, for other labels or another tokenizer', () => {
    const stored = build().toBytes();
    expect(() => LexicalIndex.fromBytes(stored.subarray(0, stored.length - 8), 3)).toThrow(
      /ends inside section/,
    );
    const longer = new Uint8Array(stored.length + 8);
    longer.set(stored);
    expect(() => LexicalIndex.fromBytes(longer, 3)).toThrow(/its sections account for/);
    expect(() => LexicalIndex.fromBytes(stored, 4)).toThrow(/covers 3 labels, the model has 4/);
    const header = (change: (text: string) => string) => {
      const length = new DataView(stored.buffer, stored.byteOffset).getUint32(8, true);
      const text = change(Buffer.from(stored.subarray(12, 12 + length)).toString('utf8'));
      // Same length, so the sections stay where they are.
      expect(Buffer.byteLength(text)).toBe(length);
      const copy = Uint8Array.from(stored);
      copy.set(Buffer.from(text, 'utf8'), 12);
      return copy;
    };
    const tokenizer = `"tokenizerVersion":${BM25_TOKENIZER_VERSION}`;
    expect(() =>
      LexicalIndex.fromBytes(
        header((t) =>
          t.replace(
            tokenizer,
            tokenizer.replace(/\d$/, (d) => String((Number(d) + 1) % 10)),
          ),
        ),
        3,
      ),
    ).toThrow(/tokenizer v\d+, this code has v\d+: retrain/);
    expect(() =>
      LexicalIndex.fromBytes(
        header((t) => t.replace('"int32"', '"int64"')),
        3,
      ),
    ).toThrow(/not a whole number of int64 values/);
    expect(() =>
      LexicalIndex.fromBytes(
        header((t) => t.replace('rows.classOfDocument', 'rows.classOfDocumenT')),
        3,
      ),
    ).toThrow(/has sections \[.*rows\.classOfDocumenT\], expected \[.*rows\.classOfDocument\]/);
  });

  it('refuses a binary index whose arrays name a label or a document outside the model', () => {
    const stored = build().toBytes();
    // The last section is rows.classOfDocument: four int32s (16 bytes, no padding); set its second.
    const copy = Uint8Array.from(stored);
    new DataView(copy.buffer).setInt32(copy.length - 12, 3, true);
    expect(() => LexicalIndex.fromBytes(copy, 3)).toThrow(/names label 3, the model has 3/);
  });

  it('reads format 1 and format 2 to the same index, bit for bit', () => {
    const index = build();
    const v1 = LexicalIndex.fromJson(index.toJson(1), LABELS.length);
    const v2 = LexicalIndex.fromJson(index.toJson(2), LABELS.length);
    expect(v1.toJson(2)).toBe(index.toJson(2));
    expect(v2.toJson(1)).toBe(index.toJson(1));
    for (const query of ['frozen shrimp', 'cotton t-shirt knitted', '冷冻虾', 'smartphone 128 gb']) {
      expect(v2.scores(query)).toEqual(v1.scores(query));
    }
  });

  it('lists exactly the labels a text touched, with the scores of the dense form', () => {
    const index = build();
    for (const query of [
      'frozen shrimp',
      'cotton t-shirt knitted',
      'smartphone',
      '冷冻虾',
      'nothing known',
    ]) {
      const dense = index.scores(query);
      const hits = index.hits(query);
      const touched = [...dense.nomenclature.keys()].filter(
        (c) => dense.nomenclature[c] !== 0 || dense.rows[c] !== 0,
      );
      expect([...hits.labels].sort()).toEqual(touched);
      hits.labels.forEach((label, i) => {
        expect(hits.nomenclature[i]).toBe(dense.nomenclature[label]);
        expect(hits.rows[i]).toBe(dense.rows[label]);
      });
    }
  });

  it('leaves nothing of one query in the next (its scratch buffers are reset)', () => {
    const index = build();
    const alone = index.scores('smartphone');
    index.hits('frozen shrimp cotton t-shirt');
    index.scores('冷冻虾 smartphone');
    expect(index.scores('smartphone')).toEqual(alone);
    expect(build().scores('frozen shrimp cotton t-shirt')).toEqual(
      index.scores('frozen shrimp cotton t-shirt'),
    );
  });

  it('refuses an index for another label list, tokenizer or format', () => {
    const json = build().toJson();
    expect(() => LexicalIndex.fromJson(json, 4)).toThrow(/covers 3 labels, the model has 4/);
    const data = JSON.parse(json) as LexicalIndexData;
    expect(() =>
      LexicalIndex.fromJson(JSON.stringify({ ...data, tokenizerVersion: BM25_TOKENIZER_VERSION + 1 }), 3),
    ).toThrow(/tokenizer v\d+, this code has v\d+: retrain/);
    expect(() => LexicalIndex.fromJson(JSON.stringify({ ...data, formatVersion: 3 }), 3)).toThrow(
      /format version 1 or 2/,
    );
  });

  it('refuses a packed index whose arrays name a label or a document outside the model, or do not fit', () => {
    type Packed = Extract<LexicalIndexData, { formatVersion: 2 }>;
    const data = JSON.parse(build().toJson(2)) as Packed;
    const ints = (values: number[]) => Buffer.from(Int32Array.from(values).buffer).toString('base64');
    const load = (change: (copy: Packed) => void) => {
      const copy = structuredClone(data);
      change(copy);
      return () => LexicalIndex.fromJson(JSON.stringify(copy), 3);
    };
    expect(load((c) => (c.rows.classOfDocument = ints([0, 0, 1, 3])))).toThrow(
      /names label 3, the model has 3/,
    );
    expect(load((c) => (c.rows.classOfDocument = ints([0, 0, 1])))).toThrow(/label for 3 of its 4 documents/);
    const postings = new Int32Array(new Uint8Array(Buffer.from(data.rows.postingDocuments, 'base64')).buffer);
    postings[0] = 99;
    expect(load((c) => (c.rows.postingDocuments = ints([...postings])))).toThrow(
      /document 99, the index has 4/,
    );
    expect(load((c) => (c.rows.runEnds = ints([1, 1])))).toThrow(/runs for \d+ tokens/);
    // A document named twice by one token would count it twice: its idf could fall below zero.
    const shared = JSON.parse(
      LexicalIndex.build(LABELS, [...ROWS, { hs6: '030617', text: 'frozen prawns' }], NOMENCLATURE).toJson(2),
    ) as Packed;
    const sharedDocuments = () =>
      new Int32Array(new Uint8Array(Buffer.from(shared.rows.postingDocuments, 'base64')).buffer);
    const runEnds = new Int32Array(new Uint8Array(Buffer.from(shared.rows.runEnds, 'base64')).buffer);
    const starts = [0, ...runEnds.slice(0, -1)];
    const long = runEnds.findIndex((end, t) => end - (starts[t] as number) >= 2);
    expect(long).toBeGreaterThanOrEqual(0);
    const loadShared = (documents: Int32Array) => () =>
      LexicalIndex.fromJson(
        JSON.stringify({ ...shared, rows: { ...shared.rows, postingDocuments: ints([...documents]) } }),
        3,
      );
    expect(loadShared(sharedDocuments())).not.toThrow();
    const at = starts[long] as number;
    const twice = sharedDocuments();
    twice[at + 1] = twice[at] as number;
    expect(loadShared(twice)).toThrow(/twice or out of order/);
    const swapped = sharedDocuments();
    [swapped[at], swapped[at + 1]] = [swapped[at + 1] as number, swapped[at] as number];
    expect(loadShared(swapped)).toThrow(/twice or out of order/);
    // A count of 0 would give an impact of 0, which scoring reads as "document not touched yet".
    const counts = new Int32Array(new Uint8Array(Buffer.from(data.rows.frequencies, 'base64')).buffer);
    counts[2] = 0;
    expect(load((c) => (c.rows.frequencies = ints([...counts])))).toThrow(/a term count of 0/);
    expect(load((c) => (c.rows.k1 = 0))).toThrow(/k1 0/);
    const norms = new Float64Array(new Uint8Array(Buffer.from(data.rows.lengthNorm, 'base64')).buffer);
    norms[1] = Number.NaN;
    expect(load((c) => (c.rows.lengthNorm = Buffer.from(norms.buffer).toString('base64')))).toThrow(
      /document 1 has a length norm of NaN/,
    );
    expect(load((c) => (c.rows.frequencies = c.rows.frequencies.slice(0, 6)))).toThrow(
      /frequencies.*not whole numbers|frequencies for/,
    );
  });

  it('refuses documents that name a label or a document outside the model', () => {
    const data = JSON.parse(build().toJson(1)) as Extract<LexicalIndexData, { formatVersion: 1 }>;
    const badLabel = structuredClone(data);
    badLabel.rows.classOfDocument[0] = 3;
    expect(() => LexicalIndex.fromJson(JSON.stringify(badLabel), 3)).toThrow(
      /names label 3, the model has 3/,
    );
    const badDocument = structuredClone(data);
    const [token] = Object.keys(badDocument.rows.postings.postings);
    badDocument.rows.postings.postings[token as string] = [99, 1];
    expect(() => LexicalIndex.fromJson(JSON.stringify(badDocument), 3)).toThrow(
      /document 99, the index has 4/,
    );
    const twice = structuredClone(data);
    twice.rows.postings.postings[token as string] = [1, 1, 1, 2];
    expect(() => LexicalIndex.fromJson(JSON.stringify(twice), 3)).toThrow(/document 1 twice or out of order/);
    const fraction = structuredClone(data);
    fraction.rows.postings.postings[token as string] = [1.5, 1];
    expect(() => LexicalIndex.fromJson(JSON.stringify(fraction), 3)).toThrow(/document 1.5, the index has 4/);
    const noCount = structuredClone(data);
    noCount.rows.postings.postings[token as string] = [1, 0];
    expect(() => LexicalIndex.fromJson(JSON.stringify(noCount), 3)).toThrow(/a term count of 0/);
  });
});

describe('LexicalIndex with synonyms', () => {
  // "phone" and "tee" are unknown to the index; "telephone" (nomenclature) and "t-shirt" are known.
  const SYNONYMS = Synonyms.of([
    ['phone', ['telephone']],
    ['tee', ['tshirt', 'shirt']],
  ]);
  const withSynonyms = () => build().withSynonyms(SYNONYMS, 'a test lexicon');

  it('reads an unknown word through its synonym, as if the known word had been typed', () => {
    const index = withSynonyms();
    expect(index.scores('mobile phone')).toEqual(index.scores('mobile telephone'));
    expect(index.scores('cotton tee')).toEqual(index.scores('cotton t-shirt'));
    expect(build().hits('phone').labels).toHaveLength(0);
    expect([...index.hits('phone').labels]).toEqual([2]);
    // Known words score exactly as they did without synonyms.
    expect(index.scores('frozen shrimp')).toEqual(build().scores('frozen shrimp'));
  });

  it('reads before correcting typos: a word WordNet knows is a word, not a slip', () => {
    const index = build().withSynonyms(Synonyms.of([['shrim', ['telephone']]]), 'a test lexicon');
    // Without the reading, "shrim" is one edit from "shrimp".
    expect(build().scores('shrim')).toEqual(build().scores('shrimp'));
    expect(index.scores('shrim')).toEqual(index.scores('telephone'));
  });

  it('stores them as format 4, naming their source, and reads them back to the same bytes', () => {
    const stored = withSynonyms().toBytes();
    expect(Buffer.from(withSynonyms().toBytes()).equals(Buffer.from(stored))).toBe(true);
    const loaded = LexicalIndex.fromBytes(stored, LABELS.length);
    expect(loaded.synonyms.entries()).toEqual(SYNONYMS.entries());
    expect(loaded.synonymSource).toBe('a test lexicon');
    expect(loaded.scores('phone tee')).toEqual(withSynonyms().scores('phone tee'));
    expect(Buffer.from(loaded.toBytes()).equals(Buffer.from(stored))).toBe(true);
    // An index without synonyms is still written as format 3, byte for byte what older code reads.
    expect(
      Buffer.from(build().withSynonyms(Synonyms.NONE, 'none').toBytes()).equals(
        Buffer.from(build().toBytes()),
      ),
    ).toBe(true);
  });

  it('will not drop its synonyms silently into a JSON form that cannot hold them', () => {
    expect(() => withSynonyms().toJson()).toThrow(/cannot hold synonyms: store it with toBytes/);
  });

  it('will not be built with a reading for a known word or into an unknown one', () => {
    expect(() => build().withSynonyms(Synonyms.of([['frozen', ['telephone']]]), 'x')).toThrow(
      /a word the index knows/,
    );
    expect(() => build().withSynonyms(Synonyms.of([['phone', ['handset']]]), 'x')).toThrow(
      /a word the index does not know/,
    );
  });

  it('never lets a stored reading change what a known word means', () => {
    const stored = Buffer.from(withSynonyms().toBytes());
    // Same length, so the sections stay where they are: a forged reading of a known word.
    const forged = Buffer.from(
      stored.toString('latin1').replace('phone\ttelephone', 'prawn\ttelephone'),
      'latin1',
    );
    expect(forged.equals(stored)).toBe(false);
    const loaded = LexicalIndex.fromBytes(forged, LABELS.length);
    expect(loaded.synonyms.get('prawn')).toEqual(['telephone']);
    expect(loaded.scores('frozen prawn')).toEqual(build().scores('frozen prawn'));
    expect(loaded.readingsOf('frozen prawn').size).toBe(0);
  });

  it('refuses a stored index whose synonym count or sections do not match its header', () => {
    const stored = Buffer.from(withSynonyms().toBytes());
    const header = (from: string, to: string) => {
      expect(Buffer.byteLength(from)).toBe(Buffer.byteLength(to));
      return Buffer.from(stored.toString('latin1').replace(from, to), 'latin1');
    };
    expect(() => LexicalIndex.fromBytes(header('"words":2', '"words":3'), LABELS.length)).toThrow(
      /holds 2 synonyms, its header says 3/,
    );
    // A format 3 header over a file with the synonyms section: refused, not read without them.
    expect(() =>
      LexicalIndex.fromBytes(header('"formatVersion":4', '"formatVersion":3'), LABELS.length),
    ).toThrow(/has sections \[.*synonyms\], expected/);
    expect(() =>
      LexicalIndex.fromBytes(header('"source":"a test', '"sourcE":"a test'), LABELS.length),
    ).toThrow(/does not name their source/);
  });

  it('refuses headers that say more than the file holds, and bytes that are not UTF-8', () => {
    // Re-encoded with an edited header, so only what the test changes differs.
    const reencoded = (edit: (header: Record<string, unknown>) => void, extra?: [string, Uint8Array]) => {
      const { header, sections } = decodeSections(build().toBytes(), LEXICAL_INDEX_MAGIC, 'test');
      const edited = { ...(header as Record<string, unknown>) };
      edit(edited);
      return encodeSections(LEXICAL_INDEX_MAGIC, edited, [...sections, ...(extra ? [extra] : [])]);
    };
    expect(() =>
      LexicalIndex.fromBytes(
        reencoded(() => undefined),
        LABELS.length,
      ),
    ).not.toThrow();
    expect(() =>
      LexicalIndex.fromBytes(
        reencoded((h) => (h.synonyms = { source: 'WordNet', words: 20000 })),
        LABELS.length,
      ),
    ).toThrow(/format 3 cannot hold synonyms/);
    const emptyFormat4 = (source: string, words: number) =>
      reencoded(
        (h) => {
          h.formatVersion = 4;
          h.synonyms = { source, words };
        },
        ['synonyms', new Uint8Array(0)],
      );
    expect(() => LexicalIndex.fromBytes(emptyFormat4('WordNet', 0), LABELS.length)).toThrow(
      /holds 0 synonyms, its header says 0/,
    );
    expect(() => LexicalIndex.fromBytes(emptyFormat4('', 0), LABELS.length)).toThrow(
      /does not name their source/,
    );

    const stored = Buffer.from(withSynonyms().toBytes());
    const text = stored.toString('latin1');
    expect(text).toContain('phone\ttelephone');
    const notUtf8 = Buffer.from(text.replace('phone\ttelephone', 'phone\ttelephon\u00ff'), 'latin1');
    expect(notUtf8.length).toBe(stored.length);
    expect(() => LexicalIndex.fromBytes(notUtf8, LABELS.length)).toThrow(/not valid/i);
  });
});

/** "phone" read as "telephone"; "lady" a word with no reading. */
const withPhoneAndLady = () =>
  build().withSynonyms(
    Synonyms.of([
      ['lady', []],
      ['phone', ['telephone']],
    ]),
    'a test lexicon',
  );

describe('LexicalIndex.readingsOf', () => {
  const index = withPhoneAndLady();

  it('says what retrieval searched for in place of each word it did not know', () => {
    expect(index.readingsOf('frozen phones, shrrimp 500 g')).toEqual(
      new Map([
        ['phone', 'telephone'],
        ['shrrimp', 'shrimp'],
      ]),
    );
    expect(index.readingsOf('frozen shrimp 500').size).toBe(0);
    expect(index.readingsOf('qqqqqqqq').size).toBe(0);
  });

  it('leaves a dictionary word with no reading as typed rather than correct it into another', () => {
    // "lady" is one edit from nothing here, but "shrim" would be corrected: a held word is not.
    const held = build().withSynonyms(Synonyms.of([['shrim', []]]), 'a test lexicon');
    expect(build().readingsOf('shrim')).toEqual(new Map([['shrim', 'shrimp']]));
    expect(held.readingsOf('shrim').size).toBe(0);
    expect(held.hits('shrim').labels).toHaveLength(0);
    expect(index.readingsOf('lady').size).toBe(0);
  });

  it('never takes an unknown word for a slip of a dictionary word: brand names would become nouns', () => {
    // "nokia" is one letter from WordNet's "noria" (a water wheel); read so, a phone would be
    // searched as one.
    const withNoria = build().withSynonyms(Synonyms.of([['noria', ['telephone']]]), 'a test lexicon');
    expect(withNoria.readingsOf('nokia 3310').size).toBe(0);
    expect(withNoria.hits('nokia').labels).toHaveLength(0);
  });

  it('corrects a slip before folding the plural: "tshirtss" is searched as "tshirt"', () => {
    // "tshirtss" ends in a double s, so it is not made singular; its neighbour "tshirts" is only
    // known as the index stores it, "tshirt".
    expect(build().readingsOf('tshirtss')).toEqual(new Map([['tshirtss', 'tshirt']]));
    expect(build().hits('tshirtss').labels).toEqual(build().hits('tshirt').labels);
  });

  it('applies the query limits exactly as the search does', () => {
    const many = build().withSynonyms(
      Synonyms.of(
        Array.from({ length: 20 }, (_, i) => [`word${String.fromCharCode(97 + i)}`, ['telephone']]),
      ),
      'a test lexicon',
    );
    const words = Array.from({ length: 20 }, (_, i) => `word${String.fromCharCode(97 + i)}`);
    const readings = many.readingsOf(words.join(' '));
    // Sixteen read as "telephone"; the rest are left as typed, so they say nothing.
    expect([...readings.keys()]).toEqual(words.slice(0, 16));
    // And what was searched is exactly what the readings say: the four unread words match nothing.
    expect(many.scores(words.join(' '))).toEqual(many.scores('telephone'));
  });
});

describe('LexicalIndex.synonymOf', () => {
  const index = withPhoneAndLady();

  it('gives the network the WordNet reading of a word the index does not know, and nothing else', () => {
    expect(index.synonymOf('phone')).toEqual(['telephone']);
    expect(index.synonymOf('phones')).toEqual(['telephone']);
    expect(index.synonymOf('frozen')).toBeUndefined();
    expect(index.synonymOf('lady')).toBeUndefined();
    // A typo correction is a guess: the network sees the typo's own n-grams instead.
    expect(index.synonymOf('shrrimp')).toBeUndefined();
    expect(index.synonymOf('t-shirt')).toBeUndefined();
  });
});
