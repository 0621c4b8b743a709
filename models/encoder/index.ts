export { DescriptionEncoder, PAD_ID } from './encoder';
export type { Augmentation, EncoderConfig, EncodedText } from './encoder';
export { buildEncoderConfig } from './vocabulary';
export { normaliseText, tokenize, NORMALISER_VERSION } from './normalise';
