import { CorrectionMemo, correctTypos } from './typo-correction';
import { bm25Tokens, BM25_TOKENIZER_VERSION } from './bm25-tokenizer';
import { Bm25Postings, nomenclatureDocuments, type Bm25Document, type Bm25PostingsData } from './bm25';
import { decodeArray, encodeArray } from './packed-arrays';

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
 * The stored form of a LexicalIndex (the artifact's `lexical-index.json`). Format 2 holds the
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

/** The stored format `toJson` writes. */
export const LEXICAL_INDEX_FORMAT = 2;

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
    const postings = Bm25Postings.fromPacked({
      k1: data.k1,
      documents: data.documents,
      tokens: data.tokens === '' ? [] : data.tokens.split('\n'),
      runEnds: decodeArray(data.runEnds, Int32Array, 'runEnds'),
      postingDocuments: decodeArray(data.postingDocuments, Int32Array, 'postingDocuments'),
      // Term counts: whole numbers, stored as such (half the bytes of doubles).
      frequencies: Float64Array.from(decodeArray(data.frequencies, Int32Array, 'frequencies')),
      lengthNorm: decodeArray(data.lengthNorm, Float64Array, 'lengthNorm'),
    });
    return Collection.checked(
      decodeArray(data.classOfDocument, Int32Array, 'classOfDocument'),
      postings,
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
    const packed = this.postings.toPacked();
    if (packed.tokens.some((token) => token.includes('\n'))) throw new Error('a BM25 token holds a newline');
    return {
      k1: packed.k1,
      documents: packed.documents,
      tokens: packed.tokens.join('\n'),
      runEnds: encodeArray(packed.runEnds),
      postingDocuments: encodeArray(packed.postingDocuments),
      frequencies: encodeArray(Int32Array.from(packed.frequencies, wholeCount)),
      lengthNorm: encodeArray(packed.lengthNorm),
      classOfDocument: encodeArray(this.classOfDocument),
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

  /** Parses and checks a stored index against the model's label count; throws saying what is wrong. */
  static fromJson(json: string, labelCount: number): LexicalIndex {
    const data = JSON.parse(json) as LexicalIndexData;
    if (data.format !== 'hscode-lexical-index' || (data.formatVersion !== 1 && data.formatVersion !== 2)) {
      throw new Error('not a lexical index of format version 1 or 2');
    }
    if (data.tokenizerVersion !== BM25_TOKENIZER_VERSION) {
      throw new Error(
        `the lexical index was built with tokenizer v${data.tokenizerVersion}, this code has v${BM25_TOKENIZER_VERSION}: retrain the model`,
      );
    }
    if (data.labelCount !== labelCount) {
      throw new Error(`the lexical index covers ${data.labelCount} labels, the model has ${labelCount}`);
    }
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

  /** The stored form, in format 2 unless asked for 1 (what older code reads). */
  toJson(formatVersion: 1 | 2 = LEXICAL_INDEX_FORMAT): string {
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
    const tokens = correctTypos(bm25Tokens(text), this.documentFrequency, this.corrections);
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
