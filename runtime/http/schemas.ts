import type { SchemaObject } from 'ajv';
import { MAX_TOP_K } from '../core/classifier';
import { MAX_NOTE_LENGTH } from '../core/feedback';
import { DEFAULT_LIMITS, DEFAULT_TOP_K, MAX_KEY_LENGTH, type PredictLimits } from '../core/predict-request';

/**
 * The public API's JSON Schemas (2020-12, the dialect of OpenAPI 3.1). The request schemas are
 * compiled by the HTTP edge and embedded unchanged in the OpenAPI document, so the documentation
 * cannot drift from what is enforced; the response schemas are checked against real responses in
 * the tests.
 */

/** Long enough for "6109.10.00.12" with generous spacing; anything longer is not a code. */
export const MAX_CODE_LENGTH = 40;

/** The patterns the edge enforces, with the rule each one states, for error messages. */
export const NON_BLANK = '\\S';
/** What the core's toHs6 accepts: 6 to 10 digits once dots, spaces and dashes are removed. */
export const HS_CODE_PATTERN = '^[.\\s-]*(?:\\d[.\\s-]*){6,10}$';
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const PATTERN_RULES: Readonly<Record<string, string>> = {
  [NON_BLANK]: 'must not be blank',
  [HS_CODE_PATTERN]: 'must be an HS code of 6 to 10 digits (dots, spaces and dashes allowed), e.g. "6109.10"',
  [UUID_PATTERN]: 'must be the id a prediction returned (a UUID)',
};

export function predictRequestSchema(limits: PredictLimits = DEFAULT_LIMITS): SchemaObject {
  return {
    title: 'PredictRequest',
    type: 'object',
    properties: {
      descriptions: {
        description: 'Product descriptions, one prediction each, in order.',
        type: 'array',
        minItems: 1,
        maxItems: limits.maxItems,
        items: { type: 'string', minLength: 1, maxLength: limits.maxChars, pattern: NON_BLANK },
      },
      topK: {
        description: 'Candidate codes per description, most probable first.',
        type: 'integer',
        minimum: 1,
        maximum: MAX_TOP_K,
        default: DEFAULT_TOP_K,
      },
      explain: {
        description: 'Add the words that drove the top code (slower).',
        type: 'boolean',
        default: false,
      },
      key: {
        description: 'Routes the request: the same key always reaches the same model.',
        type: 'string',
        minLength: 1,
        maxLength: MAX_KEY_LENGTH,
      },
    },
    required: ['descriptions'],
    additionalProperties: false,
    examples: [{ descriptions: ["men's cotton t-shirt, knitted"], topK: 5 }],
  };
}

const hsCode = {
  description: 'The true code as people write it: "6109.10", "610910", "6109.10.00.12".',
  type: 'string',
  maxLength: MAX_CODE_LENGTH,
  pattern: HS_CODE_PATTERN,
};

export const feedbackRequestSchema: SchemaObject = {
  title: 'FeedbackRequest',
  description: 'The true code of a prediction, in exactly one of "hs6" or "code".',
  // The fields first, then "exactly one of": validation stops at the first error, so a missing
  // predictionId or a malformed code is reported before the choice between the two names.
  allOf: [
    {
      type: 'object',
      properties: {
        predictionId: { type: 'string', pattern: UUID_PATTERN },
        hs6: hsCode,
        code: { ...hsCode, description: 'Another name for "hs6".' },
        note: { type: 'string', maxLength: MAX_NOTE_LENGTH },
      },
      required: ['predictionId'],
      additionalProperties: false,
    },
    { type: 'object', oneOf: [{ required: ['hs6'] }, { required: ['code'] }] },
  ],
  examples: [{ predictionId: '3f6c1a52-8d0e-4b7a-9c61-2f4e5d6a7b8c', hs6: '6109.10' }],
};

const probability = { type: 'number', minimum: 0, maximum: 1 };
const sha256 = { type: 'string', pattern: '^[0-9a-f]{64}$' };

const candidateSchema = {
  type: 'object',
  properties: {
    hs6: { type: 'string', pattern: '^\\d{6}$' },
    hs4: { type: 'string', pattern: '^\\d{4}$' },
    hs2: { type: 'string', pattern: '^\\d{2}$' },
    probability,
    description: { type: 'string' },
    headingDescription: { type: 'string' },
    chapterDescription: { type: 'string' },
  },
  required: ['hs6', 'hs4', 'hs2', 'probability', 'description', 'headingDescription', 'chapterDescription'],
  additionalProperties: false,
};

export const predictResponseSchema: SchemaObject = {
  title: 'PredictResponse',
  type: 'object',
  properties: {
    predictions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          predictionId: { type: 'string', pattern: UUID_PATTERN },
          variant: { type: 'string' },
          modelVersion: { type: 'string' },
          modelSha256: sha256,
          needsReview: {
            description: 'The top probability is below the model’s abstain threshold: a person should check.',
            type: 'boolean',
          },
          candidates: { type: 'array', items: candidateSchema },
          explanation: {
            description: 'Only when asked for: how much each word raised the top code’s probability.',
            type: 'array',
            items: {
              type: 'object',
              properties: {
                word: {
                  description: 'The word as the model sees it (lower-cased, singular, units folded).',
                  type: 'string',
                },
                weight: { type: 'number' },
                spans: {
                  description:
                    'Where the word came from in the description as sent: UTF-16 offsets, end exclusive, one per occurrence.',
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      start: { type: 'integer', minimum: 0 },
                      end: { type: 'integer', minimum: 0 },
                    },
                    required: ['start', 'end'],
                    additionalProperties: false,
                  },
                },
                readAs: {
                  description:
                    'What retrieval searched for instead, when it did not know the word: a WordNet synonym ("phone" → "telephone") or the known word one typo away ("honeey" → "honey").',
                  type: 'string',
                },
              },
              required: ['word', 'weight', 'spans'],
              additionalProperties: false,
            },
          },
        },
        required: ['predictionId', 'variant', 'modelVersion', 'modelSha256', 'needsReview', 'candidates'],
        additionalProperties: false,
      },
    },
    latencyMs: { description: 'Time inside the service, in milliseconds.', type: 'number', minimum: 0 },
  },
  required: ['predictions', 'latencyMs'],
  additionalProperties: false,
};

export const feedbackResponseSchema: SchemaObject = {
  title: 'FeedbackResponse',
  type: 'object',
  properties: {
    key: { description: 'Where the feedback record is stored.', type: 'string' },
    predictionId: { type: 'string', pattern: UUID_PATTERN },
    hs6: { type: 'string', pattern: '^\\d{6}$' },
    receivedAt: { type: 'string' },
    predictionFound: {
      description:
        'The prediction is known, so the record names the model that made it (false only where unknown ids are parked: the clouds).',
      type: 'boolean',
    },
    givenBy: {
      description:
        "Who the record names as the giver: an analyst's key id (key:<id>) or the cloud's verified caller.",
      type: 'string',
    },
    heldForReview: {
      description:
        'Why the correction is held for an analyst to release before it scores or trains (a confident model corrected to another chapter).',
      type: 'string',
    },
  },
  required: ['key', 'predictionId', 'hs6', 'receivedAt', 'predictionFound', 'givenBy'],
  additionalProperties: false,
};

const levelScores = {
  type: 'object',
  properties: { hs2: probability, hs4: probability, hs6: probability },
  required: ['hs2', 'hs4', 'hs6'],
  additionalProperties: false,
};

const modelSummary = {
  type: 'object',
  properties: {
    variant: { type: 'string' },
    version: { type: 'string' },
    modelSha256: sha256,
    hsEdition: { type: 'string' },
    createdAt: { type: 'string' },
    labels: { type: 'integer', minimum: 1 },
    abstainThreshold: probability,
    parentVersion: { type: ['string', 'null'] },
    validation: {
      description: 'Scores on the held-out validation split at training time.',
      type: 'object',
      properties: {
        n: { type: 'integer', minimum: 0 },
        top1: levelScores,
        top3: levelScores,
        top5: levelScores,
        macro_f1: probability,
        ece: probability,
      },
      required: ['n', 'top1', 'top3', 'top5', 'macro_f1', 'ece'],
      additionalProperties: false,
    },
  },
  required: [
    'variant',
    'version',
    'modelSha256',
    'hsEdition',
    'createdAt',
    'labels',
    'abstainThreshold',
    'parentVersion',
    'validation',
  ],
  additionalProperties: false,
};

export const modelSummarySchema: SchemaObject = { title: 'ModelSummary', ...modelSummary };

export const modelsResponseSchema: SchemaObject = {
  title: 'ModelsResponse',
  type: 'object',
  properties: { models: { type: 'array', items: modelSummarySchema } },
  required: ['models'],
  additionalProperties: false,
};

export const healthResponseSchema: SchemaObject = {
  title: 'HealthResponse',
  type: 'object',
  properties: {
    status: { const: 'ok' },
    champion: {
      ...modelSummary,
      description: 'The model the champion arm serves; absent while a failed champion is replaced.',
    },
    models: { type: 'array', items: modelSummarySchema },
  },
  required: ['status', 'models'],
  additionalProperties: false,
};

export const errorResponseSchema: SchemaObject = {
  title: 'ErrorResponse',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { description: 'Stable and machine-readable, e.g. "invalid_request".', type: 'string' },
        message: { description: 'What is wrong, in words.', type: 'string' },
        field: { description: 'The offending field, e.g. "descriptions[3]".', type: 'string' },
      },
      required: ['code', 'message'],
      additionalProperties: false,
    },
  },
  required: ['error'],
  additionalProperties: false,
};

const modelRef = {
  type: 'object',
  properties: { variant: { type: 'string' }, version: { type: 'string' } },
  required: ['variant', 'version'],
};
const nullableProbability = { type: ['number', 'null'], minimum: 0, maximum: 1 };
const proportion = {
  description: 'Top-1 subheading accuracy on feedback, with its Wilson 95% interval (null without feedback).',
  type: 'object',
  properties: {
    n: { type: 'integer', minimum: 0 },
    successes: { type: 'integer', minimum: 0 },
    rate: nullableProbability,
    low: nullableProbability,
    high: nullableProbability,
  },
  required: ['n', 'successes', 'rate', 'low', 'high'],
};
const driftStatus = { enum: ['ok', 'warn', 'alarm', 'too-little-data'] };
const thresholds = {
  type: 'object',
  properties: { warn: { type: 'number' }, alarm: { type: 'number' } },
  required: ['warn', 'alarm'],
};

export const dashboardResponseSchema: SchemaObject = {
  title: 'DashboardResponse',
  description:
    'The monitoring page: routing and traffic split, the last registry decisions, each model’s live accuracy and input drift.',
  type: 'object',
  properties: {
    generatedAt: { type: 'string' },
    registry: {
      description: 'null until a champion is registered.',
      type: ['object', 'null'],
      properties: {
        revision: { type: 'integer', minimum: 0 },
        champion: modelRef,
        challengers: {
          type: 'array',
          items: { ...modelRef, properties: { ...modelRef.properties, weight: probability } },
        },
        shadows: { type: 'array', items: modelRef },
        fallback: { anyOf: [modelRef, { type: 'null' }] },
      },
      required: ['revision', 'champion', 'challengers', 'shadows', 'fallback'],
    },
    traffic: {
      type: 'array',
      items: {
        ...modelRef,
        properties: {
          ...modelRef.properties,
          role: { enum: ['champion', 'challenger'] },
          share: probability,
        },
        required: ['variant', 'version', 'role', 'share'],
      },
    },
    decisions: {
      description: 'Newest first.',
      type: 'array',
      items: {
        type: 'object',
        properties: {
          seq: { type: 'integer', minimum: 1 },
          time: { type: 'string' },
          type: { type: 'string' },
          actor: { type: 'string' },
          subject: modelRef,
          reason: { type: 'string' },
          stats: {
            type: 'object',
            additionalProperties: {
              anyOf: [
                { type: 'number' },
                { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
              ],
            },
          },
        },
        required: ['seq', 'time', 'type', 'actor', 'subject', 'reason', 'stats'],
      },
    },
    models: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          variant: { type: 'string' },
          version: { type: 'string' },
          role: { enum: ['champion', 'challenger', 'shadow', 'fallback', null] },
          accuracy: proportion,
          accuracyByDay: {
            type: 'array',
            items: { ...proportion, properties: { ...proportion.properties, day: { type: 'string' } } },
          },
          served: { type: 'integer', minimum: 0 },
          latencyP99Ms: { type: ['number', 'null'] },
          drift: {
            type: ['object', 'null'],
            properties: {
              n: { type: 'integer', minimum: 0 },
              baselineN: { type: 'integer', minimum: 0 },
              status: driftStatus,
              indicators: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    name: { enum: ['predicted-chapter', 'top1-confidence', 'unknown-word-rate'] },
                    n: { type: 'integer', minimum: 0 },
                    psi: { type: ['number', 'null'] },
                    jsBits: { type: ['number', 'null'] },
                    threshold: thresholds,
                    jsThreshold: thresholds,
                    expectedNoise: { type: ['number', 'null'] },
                    status: driftStatus,
                    live: nullableProbability,
                    baseline: probability,
                  },
                  required: [
                    'name',
                    'n',
                    'psi',
                    'jsBits',
                    'threshold',
                    'jsThreshold',
                    'expectedNoise',
                    'status',
                  ],
                },
              },
            },
            required: ['n', 'baselineN', 'status', 'indicators'],
          },
          driftUnavailable: { type: 'string' },
        },
        required: [
          'variant',
          'version',
          'role',
          'accuracy',
          'accuracyByDay',
          'served',
          'latencyP99Ms',
          'drift',
        ],
      },
    },
    givers: {
      description:
        'Feedback per giver (an analyst key id, the cloud’s verified caller, or unattributed), flagged givers first. `disagrees` says how a giver’s corrections disagree with everyone else’s: at least 20 judged records on each side, a share of chapter-changing corrections whose Wilson 95% interval lies above everyone else’s and at least 20 points higher.',
      type: 'array',
      items: {
        type: 'object',
        properties: {
          givenBy: { type: 'string' },
          via: { enum: ['api-key', 'cloud-identity', null] },
          records: { type: 'integer', minimum: 0 },
          matched: { type: 'integer', minimum: 0 },
          confirmed: { type: 'integer', minimum: 0 },
          held: { type: 'integer', minimum: 0 },
          chapterChanges: proportion,
          othersChapterChanges: proportion,
          lastAt: { type: 'string' },
          disagrees: { type: 'string' },
        },
        required: [
          'givenBy',
          'via',
          'records',
          'matched',
          'confirmed',
          'held',
          'chapterChanges',
          'othersChapterChanges',
          'lastAt',
        ],
        additionalProperties: false,
      },
    },
    window: {
      type: 'object',
      properties: {
        auditRecords: { type: 'integer', minimum: 0 },
        firstPrediction: { type: ['string', 'null'] },
        lastPrediction: { type: ['string', 'null'] },
        feedbackRecords: { type: 'integer', minimum: 0 },
        feedbackSince: { type: 'string' },
      },
      required: ['auditRecords', 'firstPrediction', 'lastPrediction', 'feedbackRecords', 'feedbackSince'],
    },
  },
  required: ['generatedAt', 'registry', 'traffic', 'decisions', 'models', 'givers', 'window'],
  additionalProperties: false,
};
