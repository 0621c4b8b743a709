import { bm25Tokens, BM25_TOKENIZER_VERSION } from './bm25-tokenizer';
import { Bm25Postings, nomenclatureDocuments, type Bm25Document, type Bm25PostingsData } from './bm25';

/** One searchable collection: BM25 postings and the label index each document counts for. */
interface CollectionData {
  classOfDocument: number[];
  postings: Bm25PostingsData;
}

/** The stored form of a LexicalIndex (the artifact's `lexical-index.json`). */
export interface LexicalIndexData {
  format: 'hscode-lexical-index';
  formatVersion: 1;
  tokenizerVersion: number;
  labelCount: number;
  /** One document per subheading: its text, its heading's and its chapter's (see `nomenclatureDocuments`). */
  nomenclature: CollectionData;
  /** One document per labelled training row. */
  rows: CollectionData;
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
    const postings = Bm25Postings.fromData(data.postings);
    if (data.classOfDocument.length !== postings.documents) {
      throw new Error(
        `the index names a label for ${data.classOfDocument.length} of its ${postings.documents} documents`,
      );
    }
    const bad = data.classOfDocument.find((c) => !Number.isInteger(c) || c < 0 || c >= labelCount);
    if (bad !== undefined) throw new Error(`the index names label ${bad}, the model has ${labelCount}`);
    return new Collection(Int32Array.from(data.classOfDocument), postings);
  }

  toData(): CollectionData {
    return { classOfDocument: Array.from(this.classOfDocument), postings: this.postings.toData() };
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
    if (data.format !== 'hscode-lexical-index' || data.formatVersion !== 1) {
      throw new Error('not a lexical index of format version 1');
    }
    if (data.tokenizerVersion !== BM25_TOKENIZER_VERSION) {
      throw new Error(
        `the lexical index was built with tokenizer v${data.tokenizerVersion}, this code has v${BM25_TOKENIZER_VERSION}: retrain the model`,
      );
    }
    if (data.labelCount !== labelCount) {
      throw new Error(`the lexical index covers ${data.labelCount} labels, the model has ${labelCount}`);
    }
    return new LexicalIndex(
      labelCount,
      Collection.fromData(data.nomenclature, labelCount),
      Collection.fromData(data.rows, labelCount),
    );
  }

  toJson(): string {
    const data: LexicalIndexData = {
      format: 'hscode-lexical-index',
      formatVersion: 1,
      tokenizerVersion: BM25_TOKENIZER_VERSION,
      labelCount: this.labelCount,
      nomenclature: this.nomenclature.toData(),
      rows: this.rows.toData(),
    };
    return JSON.stringify(data);
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
    const tokens = bm25Tokens(text);
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
