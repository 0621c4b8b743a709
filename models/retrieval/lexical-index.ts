import { CorrectionMemo, correctTypos } from './typo-correction';
import { bm25Tokens, BM25_TOKENIZER_VERSION, singular } from './bm25-tokenizer';
import { Bm25Postings, nomenclatureDocuments, type Bm25Document, type Bm25PostingsData } from './bm25';
import { decodeArray, encodeArray } from './packed-arrays';
import { decodeSections, encodeSections, hasMagic, type SectionValue } from './binary-sections';
import { readUnknownWords, Synonyms } from './synonyms';

/** One searchable collection (format 1): BM25 postings and the label index each document counts for. */
interface CollectionData {
  classOfDocument: number[];
  postings: Bm25PostingsData;
}

/**
 * The same in format 2: the flat arrays of `Bm25Packed`, each as base64 (see packed-arrays.ts),
 * and the sorted tokens joined by newlines (no token holds one).
 */
interface PackedCollectionData {
  k1: number;
  documents: number;
  tokens: string;
  runEnds: string;
  postingDocuments: string;
  frequencies: string;
  lengthNorm: string;
  classOfDocument: string;
}

/**
 * The JSON forms of a LexicalIndex (`lexical-index.json`, before format 3). Format 2 holds the
 * same numbers as format 1, packed, so that a model loads in milliseconds instead of parsing
 * some million JSON numbers; models stored in format 1 still load, to the same scores.
 */
export type LexicalIndexData = {
  format: 'hscode-lexical-index';
  tokenizerVersion: number;
  labelCount: number;
} & (
  | {
      formatVersion: 1;
      /** One document per subheading: its text, its heading's and its chapter's (see `nomenclatureDocuments`). */
      nomenclature: CollectionData;
      /** One document per labelled training row. */
      rows: CollectionData;
    }
  | { formatVersion: 2; nomenclature: PackedCollectionData; rows: PackedCollectionData }
);

/** What a binary file (formats 3 and 4, see binary-sections.ts) starts with. */
export const LEXICAL_INDEX_MAGIC = 'hscodeLX';

/**
 * The binary formats' header, beside its sections (`<collection>.<array>`, see
 * Collection.toSections). Format 4 adds a `synonyms` section (see synonyms.ts) and names its source.
 */
interface BinaryHeader {
  format: 'hscode-lexical-index';
  formatVersion: 3 | 4;
  tokenizerVersion: number;
  labelCount: number;
  nomenclature: { k1: number; documents: number };
  rows: { k1: number; documents: number };
  synonyms?: { source: string; words: number };
}

const SYNONYMS_SECTION = 'synonyms';

const COLLECTION_ARRAYS = [
  'tokens',
  'runEnds',
  'postingDocuments',
  'frequencies',
  'lengthNorm',
  'classOfDocument',
] as const;

/** One collection's numbers as formats 2 and 3 store them (format 2 base64-encodes each array). */
interface CollectionArrays {
  k1: number;
  documents: number;
  /** Sorted, joined by newlines (no token holds one). */
  tokens: string;
  runEnds: Int32Array;
  postingDocuments: Int32Array;
  /** Term counts: whole numbers, stored as such (half the bytes of doubles). */
  frequencies: Int32Array;
  lengthNorm: Float64Array;
  classOfDocument: Int32Array;
}

/** Per label, in label order: the best BM25 score of a nomenclature document and of a labelled row. */
export interface LexicalScores {
  nomenclature: Float64Array;
  rows: Float64Array;
}

/**
 * The same evidence, for the labels a text touched only (every other label scores 0 in both):
 * a few hundred entries instead of two arrays over every label, which is what serving keeps per
 * description while the network runs.
 */
export interface LexicalHits {
  /** Distinct label indices, in no particular order. */
  labels: Int32Array;
  /** Aligned with `labels`. */
  nomenclature: Float64Array;
  rows: Float64Array;
}

const wholeCount = (count: number): number => {
  if (!(Number.isInteger(count) && count >= 1 && count <= 0x7fffffff)) {
    throw new Error(`a BM25 term count of ${count} is not a whole number of occurrences`);
  }
  return count;
};

class Collection {
  constructor(
    readonly classOfDocument: Int32Array,
    readonly postings: Bm25Postings,
  ) {}

  static build(documents: readonly Bm25Document[], labelIndex: ReadonlyMap<string, number>): Collection {
    const kept = documents.filter((doc) => labelIndex.has(doc.hs6));
    return new Collection(
      Int32Array.from(kept, (doc) => labelIndex.get(doc.hs6) as number),
      Bm25Postings.build(kept.map((doc) => bm25Tokens(doc.text))),
    );
  }

  static fromData(data: CollectionData, labelCount: number): Collection {
    return Collection.checked(
      Int32Array.from(data.classOfDocument),
      Bm25Postings.fromData(data.postings),
      labelCount,
    );
  }

  static fromPacked(data: PackedCollectionData, labelCount: number): Collection {
    return Collection.fromArrays(
      {
        k1: data.k1,
        documents: data.documents,
        tokens: data.tokens,
        runEnds: decodeArray(data.runEnds, Int32Array, 'runEnds'),
        postingDocuments: decodeArray(data.postingDocuments, Int32Array, 'postingDocuments'),
        frequencies: decodeArray(data.frequencies, Int32Array, 'frequencies'),
        lengthNorm: decodeArray(data.lengthNorm, Float64Array, 'lengthNorm'),
        classOfDocument: decodeArray(data.classOfDocument, Int32Array, 'classOfDocument'),
      },
      labelCount,
    );
  }

  static fromSections(
    name: string,
    head: { k1: number; documents: number } | undefined,
    sections: ReadonlyMap<string, SectionValue>,
    labelCount: number,
  ): Collection {
    if (!head || typeof head.k1 !== 'number' || !Number.isInteger(head.documents)) {
      throw new Error(`the index's header does not describe its ${name}`);
    }
    const section = <T extends SectionValue>(array: string, type: new (...args: never[]) => T): T => {
      const value = sections.get(`${name}.${array}`);
      if (!(value instanceof type)) throw new Error(`the index has no ${name}.${array} of the right type`);
      return value;
    };
    return Collection.fromArrays(
      {
        k1: head.k1,
        documents: head.documents,
        tokens: Buffer.from(section('tokens', Uint8Array)).toString('utf8'),
        runEnds: section('runEnds', Int32Array),
        postingDocuments: section('postingDocuments', Int32Array),
        frequencies: section('frequencies', Int32Array),
        lengthNorm: section('lengthNorm', Float64Array),
        classOfDocument: section('classOfDocument', Int32Array),
      },
      labelCount,
    );
  }

  private static fromArrays(arrays: CollectionArrays, labelCount: number): Collection {
    const { tokens, classOfDocument, ...postings } = arrays;
    return Collection.checked(
      classOfDocument,
      Bm25Postings.fromPacked({ ...postings, tokens: tokens === '' ? [] : tokens.split('\n') }),
      labelCount,
    );
  }

  private static checked(
    classOfDocument: Int32Array,
    postings: Bm25Postings,
    labelCount: number,
  ): Collection {
    if (classOfDocument.length !== postings.documents) {
      throw new Error(
        `the index names a label for ${classOfDocument.length} of its ${postings.documents} documents`,
      );
    }
    const bad = classOfDocument.find((c) => c < 0 || c >= labelCount);
    if (bad !== undefined) throw new Error(`the index names label ${bad}, the model has ${labelCount}`);
    return new Collection(classOfDocument, postings);
  }

  toData(): CollectionData {
    return { classOfDocument: Array.from(this.classOfDocument), postings: this.postings.toData() };
  }

  toPacked(): PackedCollectionData {
    const { k1, documents, tokens, ...arrays } = this.toArrays();
    return {
      k1,
      documents,
      tokens,
      runEnds: encodeArray(arrays.runEnds),
      postingDocuments: encodeArray(arrays.postingDocuments),
      frequencies: encodeArray(arrays.frequencies),
      lengthNorm: encodeArray(arrays.lengthNorm),
      classOfDocument: encodeArray(arrays.classOfDocument),
    };
  }

  /** The same arrays as `toPacked`, raw, for format 3 (tokens as UTF-8, newline-joined). */
  toSections(name: string): {
    head: { k1: number; documents: number };
    sections: Array<[string, SectionValue]>;
  } {
    const { k1, documents, tokens, ...arrays } = this.toArrays();
    const raw: Record<(typeof COLLECTION_ARRAYS)[number], SectionValue> = {
      ...arrays,
      tokens: Buffer.from(tokens, 'utf8'),
    };
    return {
      head: { k1, documents },
      sections: COLLECTION_ARRAYS.map((array) => [`${name}.${array}`, raw[array]]),
    };
  }

  /** What both stored forms hold: the postings packed, tokens joined by newlines, counts as int32. */
  private toArrays(): CollectionArrays {
    const packed = this.postings.toPacked();
    if (packed.tokens.some((token) => token.includes('\n'))) throw new Error('a BM25 token holds a newline');
    return {
      ...packed,
      tokens: packed.tokens.join('\n'),
      frequencies: Int32Array.from(packed.frequencies, wholeCount),
      classOfDocument: this.classOfDocument,
    };
  }

  /**
   * Raises each label in `best` to the score of its closest text (a label is as close as its
   * closest text); appends the labels raised from 0 to `raised` and returns the new count.
   */
  maxByLabel(tokens: readonly string[], best: Float64Array, raised: Int32Array, raisedCount = 0): number {
    return this.postings.maxByGroup(tokens, this.classOfDocument, best, raised, raisedCount);
  }
}

/**
 * Lexical retrieval served beside the network: BM25 over the HS nomenclature and over the
 * labelled rows the model was trained on (the tariff lines, the shipped phrases, the user's own
 * rows). Training builds it, the artifact ships it, hashed by the manifest, and the runtime loads
 * it as it is: nothing is re-tokenised at start-up.
 */
export class LexicalIndex {
  // Per-label scratch for one query at a time, left zeroed after each (see `hits`).
  private readonly nomenclatureBest: Float64Array;
  private readonly rowsBest: Float64Array;
  private readonly raised: Int32Array;
  private readonly corrections = new CorrectionMemo();

  private constructor(
    readonly labelCount: number,
    private readonly nomenclature: Collection,
    private readonly rows: Collection,
    /** How words the index does not know are read (empty: they are only typo-corrected). */
    readonly synonyms: Synonyms = Synonyms.NONE,
    /** Where the synonyms came from, recorded in the stored index. */
    readonly synonymSource = '',
  ) {
    this.nomenclatureBest = new Float64Array(labelCount);
    this.rowsBest = new Float64Array(labelCount);
    this.raised = new Int32Array(2 * labelCount);
  }

  static build(
    labels: readonly string[],
    rows: readonly Bm25Document[],
    nomenclature: readonly Bm25Document[] = nomenclatureDocuments(),
  ): LexicalIndex {
    const labelIndex = new Map(labels.map((label, i) => [label, i]));
    return new LexicalIndex(
      labels.length,
      Collection.build(nomenclature, labelIndex),
      Collection.build(rows, labelIndex),
    );
  }

  /**
   * The same index, reading unknown words through `synonyms` (see synonym-map.ts); refuses any
   * that read a word it knows or into one it does not.
   */
  withSynonyms(synonyms: Synonyms, source: string): LexicalIndex {
    synonyms.checkAgainst(this.knows);
    return new LexicalIndex(this.labelCount, this.nomenclature, this.rows, synonyms, source);
  }

  /** Reads a stored index of any format (3 and 4 binary, 1 and 2 JSON) and checks it against the model. */
  static fromBytes(bytes: Uint8Array, labelCount: number): LexicalIndex {
    if (!hasMagic(bytes, LEXICAL_INDEX_MAGIC)) {
      return LexicalIndex.fromJson(
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
        labelCount,
      );
    }
    const { header, sections } = decodeSections(bytes, LEXICAL_INDEX_MAGIC, 'the lexical index');
    const head = header as Partial<BinaryHeader>;
    if (head.format !== 'hscode-lexical-index' || (head.formatVersion !== 3 && head.formatVersion !== 4)) {
      throw new Error('not a lexical index of format version 3 or 4');
    }
    const expected = [
      ...['nomenclature', 'rows'].flatMap((c) => COLLECTION_ARRAYS.map((a) => `${c}.${a}`)),
      ...(head.formatVersion === 4 ? [SYNONYMS_SECTION] : []),
    ];
    if ([...sections.keys()].join() !== expected.join()) {
      throw new Error(
        `the lexical index has sections [${[...sections.keys()].join(', ')}], expected [${expected.join(', ')}]`,
      );
    }
    LexicalIndex.checkHead(head as BinaryHeader, labelCount);
    const nomenclature = Collection.fromSections('nomenclature', head.nomenclature, sections, labelCount);
    const rows = Collection.fromSections('rows', head.rows, sections, labelCount);
    if (head.formatVersion === 3) {
      if (head.synonyms !== undefined) throw new Error('a lexical index of format 3 cannot hold synonyms');
      return new LexicalIndex(labelCount, nomenclature, rows);
    }
    const text = sections.get(SYNONYMS_SECTION);
    const { source, words } = head.synonyms ?? {};
    if (!(text instanceof Uint8Array) || typeof source !== 'string' || source === '') {
      throw new Error('the lexical index has no synonyms of the right type, or does not name their source');
    }
    // Fatal: a byte that is not UTF-8 is refused, not read as U+FFFD.
    const synonyms = Synonyms.fromText(new TextDecoder('utf-8', { fatal: true }).decode(text));
    if (synonyms.size === 0 || synonyms.size !== words) {
      throw new Error(`the lexical index holds ${synonyms.size} synonyms, its header says ${words}`);
    }
    return new LexicalIndex(labelCount, nomenclature, rows, synonyms, source);
  }

  private static checkHead(head: { tokenizerVersion: number; labelCount: number }, labelCount: number): void {
    if (head.tokenizerVersion !== BM25_TOKENIZER_VERSION) {
      throw new Error(
        `the lexical index was built with tokenizer v${head.tokenizerVersion}, this code has v${BM25_TOKENIZER_VERSION}: retrain the model`,
      );
    }
    if (head.labelCount !== labelCount) {
      throw new Error(`the lexical index covers ${head.labelCount} labels, the model has ${labelCount}`);
    }
  }

  /** The stored form `LexicalIndex.fromBytes` reads fastest: format 4, or 3 for an index without synonyms. */
  toBytes(): Uint8Array {
    const nomenclature = this.nomenclature.toSections('nomenclature');
    const rows = this.rows.toSections('rows');
    const head = {
      format: 'hscode-lexical-index',
      tokenizerVersion: BM25_TOKENIZER_VERSION,
      labelCount: this.labelCount,
      nomenclature: nomenclature.head,
      rows: rows.head,
    } as const;
    const collections = [...nomenclature.sections, ...rows.sections];
    if (this.synonyms.size === 0) {
      return encodeSections(
        LEXICAL_INDEX_MAGIC,
        { ...head, formatVersion: 3 } satisfies BinaryHeader,
        collections,
      );
    }
    const header: BinaryHeader = {
      ...head,
      formatVersion: 4,
      synonyms: { source: this.synonymSource, words: this.synonyms.size },
    };
    const synonyms = Buffer.from(this.synonyms.toText(), 'utf8');
    return encodeSections(LEXICAL_INDEX_MAGIC, header, [...collections, [SYNONYMS_SECTION, synonyms]]);
  }

  /** Parses and checks a stored index of format 1 or 2 (JSON); throws saying what is wrong. */
  static fromJson(json: string, labelCount: number): LexicalIndex {
    const data = JSON.parse(json) as LexicalIndexData;
    if (data.format !== 'hscode-lexical-index' || (data.formatVersion !== 1 && data.formatVersion !== 2)) {
      throw new Error('not a lexical index of format version 1 or 2');
    }
    LexicalIndex.checkHead(data, labelCount);
    if (data.formatVersion === 1) {
      return new LexicalIndex(
        labelCount,
        Collection.fromData(data.nomenclature, labelCount),
        Collection.fromData(data.rows, labelCount),
      );
    }
    return new LexicalIndex(
      labelCount,
      Collection.fromPacked(data.nomenclature, labelCount),
      Collection.fromPacked(data.rows, labelCount),
    );
  }

  /** A JSON form, format 2 unless asked for 1: what older code reads (serving stores `toBytes`). */
  toJson(formatVersion: 1 | 2 = 2): string {
    if (this.synonyms.size > 0) {
      throw new Error('the JSON forms of a lexical index cannot hold synonyms: store it with toBytes');
    }
    const head = {
      format: 'hscode-lexical-index',
      formatVersion,
      tokenizerVersion: BM25_TOKENIZER_VERSION,
      labelCount: this.labelCount,
    } as const;
    const data: LexicalIndexData =
      formatVersion === 1
        ? { ...head, formatVersion, nomenclature: this.nomenclature.toData(), rows: this.rows.toData() }
        : { ...head, formatVersion, nomenclature: this.nomenclature.toPacked(), rows: this.rows.toPacked() };
    return JSON.stringify(data);
  }

  /** Documents of either collection holding a token: what typo correction ranks neighbours by. */
  private readonly documentFrequency = (token: string): number =>
    this.nomenclature.postings.documentFrequency(token) + this.rows.postings.documentFrequency(token);

  /** Whether any document holds the token: the vocabulary synonyms are built against and read into. */
  readonly knows = (token: string): boolean => this.documentFrequency(token) > 0;

  /**
   * The WordNet reading of a word as the network tokenises it ("sofa" → couch), for a word this
   * index does not know either; undefined otherwise. Typo corrections are not given: they are
   * guesses, and the network already sees a typo's character n-grams.
   */
  readonly synonymOf = (word: string): readonly string[] | undefined => {
    const tokens = bm25Tokens(word);
    const token = tokens[0];
    if (tokens.length !== 1 || token === undefined || this.knows(token)) return undefined;
    const reading = this.synonyms.get(token);
    return reading && reading.length > 0 ? reading : undefined;
  };

  /**
   * Each token of a query the index does not know, and what retrieval searched for in its place:
   * its reading ("phone" → "telephone") or the known word one typo away ("honeey" → "honey"),
   * with the query's limits applied exactly as `hits` applies them. Explanations show it, so an
   * analyst sees what the description was taken to say.
   */
  readingsOf(text: string): Map<string, string> {
    const tokens = bm25Tokens(text);
    const readings = new Map<string, string>();
    this.searchedFor(tokens).forEach((searched, i) => {
      const token = tokens[i] as string;
      const read = searched.join(' ');
      if (read !== token && !readings.has(token)) readings.set(token, read);
    });
    return readings;
  }

  /** What is searched for in place of each token (see `readUnknownWords`, then `correctTypos`). */
  private searchedFor(tokens: readonly string[]): string[][] {
    // A word WordNet knows is a word, not a slip: only words neither the index nor the synonyms
    // hold are left to typo correction.
    const searched = readUnknownWords(tokens, this.synonyms, this.knows);
    const unread = tokens.flatMap((token, i) => (searched[i] === undefined ? [i] : []));
    // A slip is mended before the plural is folded: "shoess" finds "shoes", searched as "shoe".
    const corrected = correctTypos(
      unread.map((i) => tokens[i] as string),
      this.documentFrequency,
      this.corrections,
      singular,
    );
    unread.forEach((i, k) => (searched[i] = [corrected[k] as string]));
    return searched as string[][];
  }

  get documents(): { nomenclature: number; rows: number } {
    return { nomenclature: this.nomenclature.postings.documents, rows: this.rows.postings.documents };
  }

  /** The scores of every label, in label order (training fits and evaluates on these). */
  scores(text: string): LexicalScores {
    const hits = this.hits(text);
    const scores = {
      nomenclature: new Float64Array(this.labelCount),
      rows: new Float64Array(this.labelCount),
    };
    hits.labels.forEach((label, i) => {
      scores.nomenclature[label] = hits.nomenclature[i] as number;
      scores.rows[label] = hits.rows[i] as number;
    });
    return scores;
  }

  /** The scores of the labels the text touched: what serving fuses with the network. */
  hits(text: string): LexicalHits {
    const typed = bm25Tokens(text);
    // Most descriptions hold only words the index knows: search them as they are.
    const tokens = typed.every(this.knows) ? typed : this.searchedFor(typed).flat();
    const { nomenclatureBest, rowsBest, raised } = this;
    const fromNomenclature = this.nomenclature.maxByLabel(tokens, nomenclatureBest, raised);
    const total = this.rows.maxByLabel(tokens, rowsBest, raised, fromNomenclature);
    // A label both collections raised is listed twice: keep its first entry.
    let count = fromNomenclature;
    for (let i = fromNomenclature; i < total; i++) {
      const label = raised[i] as number;
      if (nomenclatureBest[label] === 0) raised[count++] = label;
    }
    const hits: LexicalHits = {
      labels: raised.slice(0, count),
      nomenclature: new Float64Array(count),
      rows: new Float64Array(count),
    };
    for (let i = 0; i < count; i++) {
      const label = raised[i] as number;
      hits.nomenclature[i] = nomenclatureBest[label] as number;
      hits.rows[i] = rowsBest[label] as number;
      nomenclatureBest[label] = 0;
      rowsBest[label] = 0;
    }
    return hits;
  }
}
