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

  /** The best document score of each label: a label is as close as its closest text. */
  maxByLabel(tokens: readonly string[], out: Float64Array): Float64Array {
    this.postings.visitScores(tokens, (d, score) => {
      const label = this.classOfDocument[d] as number;
      if (score > (out[label] as number)) out[label] = score;
    });
    return out;
  }
}

/**
 * Lexical retrieval served beside the network: BM25 over the HS nomenclature and over the
 * labelled rows the model was trained on (the tariff lines, the shipped phrases, the user's own
 * rows). Training builds it, the artifact ships it, hashed by the manifest, and the runtime loads
 * it as it is: nothing is re-tokenised at start-up.
 */
export class LexicalIndex {
  private constructor(
    readonly labelCount: number,
    private readonly nomenclature: Collection,
    private readonly rows: Collection,
  ) {}

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

  scores(text: string): LexicalScores {
    const tokens = bm25Tokens(text);
    return {
      nomenclature: this.nomenclature.maxByLabel(tokens, new Float64Array(this.labelCount)),
      rows: this.rows.maxByLabel(tokens, new Float64Array(this.labelCount)),
    };
  }
}
