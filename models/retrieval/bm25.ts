import { loadNomenclature, type Nomenclature } from '../hs/nomenclature';
import { bm25Tokens } from './bm25-tokenizer';

export interface Bm25Document {
  hs6: string;
  text: string;
}

export interface Bm25Options {
  /** Term-frequency saturation; 1.2 is the usual choice. */
  k1?: number;
  /** Document-length normalisation; 0.75 is the usual choice. */
  b?: number;
  /** Softmax temperature turning scores into probabilities; higher is flatter. */
  temperature?: number;
}

export interface Bm25Hit {
  hs6: string;
  score: number;
}

/** How many times a subheading's own text is repeated in its document, against once for its heading and chapter. */
export const SUBHEADING_WEIGHT = 2;

/**
 * One document per subheading: its own description (repeated, so it outweighs the context),
 * then its heading's and its chapter's. Ordered by code, which fixes every tie-break downstream.
 */
export function nomenclatureDocuments(nomenclature: Nomenclature = loadNomenclature()): Bm25Document[] {
  return [...nomenclature.subheadings.values()]
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((sub) => {
      const { chapter, heading } = nomenclature.hierarchy(sub.code);
      const own = Array<string>(SUBHEADING_WEIGHT).fill(sub.description);
      return {
        hs6: sub.code,
        text: [...own, heading?.description ?? '', chapter?.description ?? ''].join(' \n '),
      };
    });
}

/** A Bm25Postings as JSON: per token, its documents and term frequencies interleaved. */
export interface Bm25PostingsData {
  k1: number;
  documents: number;
  lengthNorm: number[];
  postings: Record<string, number[]>;
}

/**
 * A Bm25Postings as flat arrays (what the lexical index's format 2 stores): tokens sorted, each
 * token's postings the run of `postingDocuments`/`frequencies` ending at its `runEnds` entry.
 */
export interface Bm25Packed {
  k1: number;
  documents: number;
  tokens: string[];
  runEnds: Int32Array;
  postingDocuments: Int32Array;
  /** Whole numbers: a stored index keeps them as int32 and they are read as they are. */
  frequencies: Float64Array | Int32Array;
  lengthNorm: Float64Array;
}

/** A term count is a whole number of occurrences, at least one: anything else is a damaged index. */
function checkTermCount(tf: number): void {
  if (!(tf >= 1 && Number.isInteger(tf))) throw new Error(`BM25 postings hold a term count of ${tf}`);
}

/** Why a stored posting cannot be: no document of the index, or one named twice or out of order. */
function misplaced(token: string, document: number, documents: number): string {
  return Number.isInteger(document) && document >= 0 && document < documents
    ? `BM25 postings of "${token}" name document ${document} twice or out of order`
    : `BM25 postings of "${token}" name document ${document}, the index has ${documents}`;
}

/** A token's postings, [start, end) of the flat arrays, and whether their impacts are worked out. */
interface Run {
  start: number;
  end: number;
  weighed: boolean;
}

/**
 * Okapi BM25 over an inverted index of token lists: a query touches only the postings of its
 * own words. idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)) (the non-negative form Lucene uses);
 * score(d) = Σ over distinct query words of idf · tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avg|d|)).
 * It holds no text, so it can be stored and served without the documents it was built from.
 *
 * Each posting's term of that sum (its "impact") depends only on the index, so it is worked out
 * once per token, the first time a query asks for the token, with the same operations in the same
 * order as the formula: a query is then one addition per posting, and its scores are bit for bit
 * those of the formula. Postings live in flat typed arrays (one run per token), and a query
 * reuses one scratch buffer, so searching allocates nothing per document.
 */
export class Bm25Postings {
  /** Per document, the running score of the current query (zero outside a query). */
  private readonly scratch: Float64Array;
  /** The documents the current query has touched, in first-touched order. */
  private readonly touched: Int32Array;
  /** Per posting, its term of the BM25 sum (see above); a run is filled when first asked for. */
  private readonly impacts: Float64Array;

  private constructor(
    private readonly k1: number,
    readonly documents: number,
    private readonly lengthNorm: Float64Array,
    /** Token → its run in the posting arrays, [start, end). */
    private readonly runs: Map<string, Run>,
    private readonly postingDocuments: Int32Array,
    private readonly frequencies: Float64Array | Int32Array,
  ) {
    this.scratch = new Float64Array(documents);
    this.touched = new Int32Array(documents);
    // Left unfilled at load: on a model's 650,000 postings, filling it all cost some 40 ms of a
    // cold start (most of it the first touch of 5 MB of fresh memory), and a query needs only
    // the runs of its own words.
    this.impacts = new Float64Array(postingDocuments.length);
  }

  /** Works out a token's impacts, once. */
  private weigh(run: Run): void {
    const { k1, documents, lengthNorm, postingDocuments, frequencies, impacts } = this;
    const { start, end } = run;
    const df = end - start;
    const idf = Math.log(1 + (documents - df + 0.5) / (df + 0.5));
    for (let i = start; i < end; i++) {
      const tf = frequencies[i] as number;
      const d = postingDocuments[i] as number;
      impacts[i] = (idf * tf * (k1 + 1)) / (tf + (lengthNorm[d] as number));
    }
    run.weighed = true;
  }

  /** Packs per-token lists into flat arrays, tokens in the order given. */
  private static pack(
    k1: number,
    documents: number,
    lengthNorm: Float64Array,
    lists: Iterable<[string, ArrayLike<number>, ArrayLike<number>]>,
  ): Bm25Postings {
    const entries = [...lists];
    const total = entries.reduce((sum, [, docs]) => sum + docs.length, 0);
    const postingDocuments = new Int32Array(total);
    const frequencies = new Float64Array(total);
    const runs = new Map<string, Run>();
    let at = 0;
    for (const [token, docs, tfs] of entries) {
      const start = at;
      for (let i = 0; i < docs.length; i++, at++) {
        postingDocuments[at] = docs[i] as number;
        frequencies[at] = tfs[i] as number;
      }
      runs.set(token, { start, end: at, weighed: false });
    }
    return new Bm25Postings(k1, documents, lengthNorm, runs, postingDocuments, frequencies);
  }

  static build(tokenLists: ReadonlyArray<readonly string[]>, options: Bm25Options = {}): Bm25Postings {
    const k1 = options.k1 ?? 1.2;
    const b = options.b ?? 0.75;
    const collected = new Map<string, { documents: number[]; frequencies: number[] }>();
    const lengths = tokenLists.map((tokens, d) => {
      const counts = new Map<string, number>();
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      for (const [token, count] of counts) {
        const list = collected.get(token) ?? { documents: [], frequencies: [] };
        list.documents.push(d);
        list.frequencies.push(count);
        collected.set(token, list);
      }
      return tokens.length;
    });
    const average = lengths.reduce((sum, l) => sum + l, 0) / Math.max(1, lengths.length) || 1;
    return Bm25Postings.pack(
      k1,
      tokenLists.length,
      Float64Array.from(lengths, (l) => k1 * (1 - b + (b * l) / average)),
      [...collected].map(([token, list]) => [token, list.documents, list.frequencies]),
    );
  }

  static fromData(data: Bm25PostingsData): Bm25Postings {
    if (data.lengthNorm.length !== data.documents) {
      throw new Error(
        `BM25 index has ${data.lengthNorm.length} document lengths for ${data.documents} documents`,
      );
    }
    const lists: Array<[string, Int32Array, Float64Array]> = [];
    for (const [token, pairs] of Object.entries(data.postings)) {
      const count = pairs.length / 2;
      const documents = new Int32Array(count);
      const frequencies = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const d = pairs[2 * i] as number;
        const previous = i === 0 ? -1 : (documents[i - 1] as number);
        if (!Number.isInteger(d) || d <= previous || d >= data.documents) {
          throw new Error(misplaced(token, d, data.documents));
        }
        const tf = pairs[2 * i + 1] as number;
        checkTermCount(tf);
        documents[i] = d;
        frequencies[i] = tf;
      }
      lists.push([token, documents, frequencies]);
    }
    return Bm25Postings.pack(data.k1, data.documents, Float64Array.from(data.lengthNorm), lists);
  }

  /** Checks flat arrays (from a stored index) and serves them as they are, without copying. */
  static fromPacked(packed: Bm25Packed): Bm25Postings {
    const { documents, tokens, runEnds, postingDocuments, frequencies, lengthNorm } = packed;
    if (lengthNorm.length !== documents) {
      throw new Error(`BM25 index has ${lengthNorm.length} document lengths for ${documents} documents`);
    }
    if (runEnds.length !== tokens.length || frequencies.length !== postingDocuments.length) {
      throw new Error(
        `BM25 index has ${runEnds.length} runs for ${tokens.length} tokens and ${frequencies.length} frequencies for ${postingDocuments.length} postings`,
      );
    }
    const runs = new Map<string, Run>();
    let start = 0;
    tokens.forEach((token, t) => {
      const end = runEnds[t] as number;
      if (!(end > start && end <= postingDocuments.length) || runs.has(token)) {
        throw new Error(`BM25 postings of "${token}" are not a run of the index's postings`);
      }
      runs.set(token, { start, end, weighed: false });
      start = end;
    });
    if (start !== postingDocuments.length) throw new Error('BM25 index has postings no token owns');
    if (!(Number.isFinite(packed.k1) && packed.k1 > 0)) throw new Error(`BM25 index has k1 ${packed.k1}`);
    // Scoring relies on every impact being positive ("0" means a document not touched yet): term
    // counts are whole and at least 1, length norms positive, and a token names each document
    // once (in order), so its document count, and with it its idf, stays within the index's.
    // Indexed loops: iterating 3 million postings with for…of was a tenth of a model's load.
    for (let t = 0, i = 0; t < tokens.length; t++) {
      const end = runEnds[t] as number;
      for (let previous = -1; i < end; i++) {
        const d = postingDocuments[i] as number;
        if (d <= previous || d >= documents) throw new Error(misplaced(tokens[t] as string, d, documents));
        previous = d;
        const tf = frequencies[i] as number;
        checkTermCount(tf);
      }
    }
    for (let d = 0; d < documents; d++) {
      const norm = lengthNorm[d] as number;
      if (!(norm > 0 && Number.isFinite(norm)))
        throw new Error(`BM25 document ${d} has a length norm of ${norm}`);
    }
    return new Bm25Postings(packed.k1, documents, lengthNorm, runs, postingDocuments, frequencies);
  }

  /** How many documents hold the token (0: none). */
  documentFrequency(token: string): number {
    const run = this.runs.get(token);
    return run ? run.end - run.start : 0;
  }

  /** Tokens in sorted order, so the same index always packs to the same bytes. */
  toPacked(): Bm25Packed {
    const tokens = [...this.runs.keys()].sort();
    const runEnds = new Int32Array(tokens.length);
    const postingDocuments = new Int32Array(this.postingDocuments.length);
    const frequencies = new Float64Array(this.frequencies.length);
    let at = 0;
    tokens.forEach((token, t) => {
      const { start, end } = this.runs.get(token) as { start: number; end: number };
      postingDocuments.set(this.postingDocuments.subarray(start, end), at);
      frequencies.set(this.frequencies.subarray(start, end), at);
      at += end - start;
      runEnds[t] = at;
    });
    return {
      k1: this.k1,
      documents: this.documents,
      tokens,
      runEnds,
      postingDocuments,
      frequencies,
      lengthNorm: this.lengthNorm.slice(),
    };
  }

  /** Tokens in sorted order, so the same index always serialises to the same bytes. */
  toData(): Bm25PostingsData {
    const postings: Record<string, number[]> = {};
    for (const token of [...this.runs.keys()].sort()) {
      const { start, end } = this.runs.get(token) as { start: number; end: number };
      const pairs: number[] = [];
      for (let i = start; i < end; i++)
        pairs.push(this.postingDocuments[i] as number, this.frequencies[i] as number);
      postings[token] = pairs;
    }
    return { k1: this.k1, documents: this.documents, lengthNorm: Array.from(this.lengthNorm), postings };
  }

  /** BM25 score of every document for these query tokens (0 for documents sharing none). */
  scoreTokens(tokens: readonly string[]): Float64Array {
    const scores = new Float64Array(this.documents);
    this.visitScores(tokens, (d, score) => (scores[d] = score));
    return scores;
  }

  /**
   * Calls `visit` once per document sharing a token with the query, with its BM25 score, in
   * the order the query first touched them. Costs the query's postings only, not the
   * collection's size: the served predictor searches some 40,000 rows per description.
   */
  visitScores(tokens: readonly string[], visit: (document: number, score: number) => void): void {
    const count = this.accumulate(tokens);
    for (let i = 0; i < count; i++) {
      const d = this.touched[i] as number;
      visit(d, this.scratch[d] as number);
      this.scratch[d] = 0;
    }
  }

  /**
   * For each group (e.g. the label a document counts for), the best score of its documents,
   * raised into `best` (groups no document touched keep their value); returns how many groups
   * it raised for the first time, which it appends to `raised`. The serving path: no callback
   * and no allocation per document.
   */
  maxByGroup(
    tokens: readonly string[],
    groupOfDocument: Int32Array,
    best: Float64Array,
    raised: Int32Array,
    raisedCount: number,
  ): number {
    const count = this.accumulate(tokens);
    const scratch = this.scratch;
    const touched = this.touched;
    let raisedNow = raisedCount;
    for (let i = 0; i < count; i++) {
      const d = touched[i] as number;
      const score = scratch[d] as number;
      scratch[d] = 0;
      const group = groupOfDocument[d] as number;
      const current = best[group] as number;
      if (score > current) {
        if (current === 0) raised[raisedNow++] = group;
        best[group] = score;
      }
    }
    return raisedNow;
  }

  /** Adds the query's impacts into `scratch`; returns how many documents it touched (listed in `touched`). */
  private accumulate(tokens: readonly string[]): number {
    const { scratch, touched, impacts, postingDocuments } = this;
    let count = 0;
    for (const token of new Set(tokens)) {
      const run = this.runs.get(token);
      if (!run) continue;
      if (!run.weighed) this.weigh(run);
      for (let i = run.start; i < run.end; i++) {
        const d = postingDocuments[i] as number;
        // Every impact is positive, so a zero means "not touched yet".
        if (scratch[d] === 0) touched[count++] = d;
        scratch[d] = (scratch[d] as number) + (impacts[i] as number);
      }
    }
    return count;
  }
}

/** BM25 over documents that keep their code and text (the baseline and tests search it). */
export class Bm25Index {
  readonly documents: readonly Bm25Document[];
  private readonly postings: Bm25Postings;

  constructor(documents: readonly Bm25Document[], options: Bm25Options = {}) {
    this.documents = documents;
    this.postings = Bm25Postings.build(
      documents.map((doc) => bm25Tokens(doc.text)),
      options,
    );
  }

  /** BM25 score of every document, in document order (0 for documents sharing no word with the query). */
  scores(query: string): Float64Array {
    return this.postings.scoreTokens(bm25Tokens(query));
  }

  /** The k best documents, score descending, ties by document order (code order for the nomenclature). */
  search(query: string, k: number): Bm25Hit[] {
    const scores = this.scores(query);
    return [...scores.keys()]
      .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b)
      .slice(0, k)
      .map((d) => ({ hs6: (this.documents[d] as Bm25Document).hs6, score: scores[d] as number }));
  }
}

/**
 * The lexical baseline a trained model must beat: BM25 over the nomenclature, reporting a
 * probability vector over the model's own label list so the same metrics score both.
 * Labels without a nomenclature document (e.g. codes of another HS edition) get probability 0;
 * subheadings outside the label list are not candidates.
 */
export class Bm25Classifier {
  private readonly index: Bm25Index;
  private readonly documentOfLabel: Int32Array;
  private readonly temperature: number;

  constructor(
    readonly labels: readonly string[],
    options: Bm25Options & { documents?: readonly Bm25Document[] } = {},
  ) {
    this.index = new Bm25Index(options.documents ?? nomenclatureDocuments(), options);
    // Scores are a few units apart between a good and a mediocre match. A temperature of 2
    // keeps the baseline from claiming near-certainty on a one-word overlap; much flatter, and
    // the many zero-score subheadings of a large chapter outweigh the matches once the metrics
    // sum probabilities by chapter (at 3, chapter top-1 on the development set drops by a third).
    this.temperature = options.temperature ?? 2;
    const documentOf = new Map(this.index.documents.map((doc, d) => [doc.hs6, d]));
    this.documentOfLabel = Int32Array.from(labels, (label) => documentOf.get(label) ?? -1);
  }

  /** Softmax of score / temperature over the labels, aligned with `labels`. */
  probabilities(text: string): Float32Array {
    const scores = this.index.scores(text);
    const logits = Array.from(this.documentOfLabel, (d) => (d < 0 ? -Infinity : (scores[d] as number)));
    const max = Math.max(...logits.filter(Number.isFinite), 0);
    const weights = logits.map((s) => Math.exp((s - max) / this.temperature));
    const total = weights.reduce((sum, w) => sum + w, 0);
    return Float32Array.from(weights, (w) => (total > 0 ? w / total : 0));
  }
}
