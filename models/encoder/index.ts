export { DescriptionEncoder, PAD_ID } from './encoder';
export type { EncoderConfig, EncodedText } from './encoder';
export { buildEncoderConfig } from './vocabulary';
export { normaliseText, tokenize, NORMALISER_VERSION } from './normalise';
