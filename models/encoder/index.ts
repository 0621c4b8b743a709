export { DescriptionEncoder, PAD_ID } from './encoder';
export type { Augmentation, EncoderConfig, EncodedText } from './encoder';
export { buildEncoderConfig } from './vocabulary';
export { normaliseText, tokenize, tokenizeWithSpans, NORMALISER_VERSION } from './normalise';
export type { TokenWithSpan } from './normalise';
