/** Training defaults the command line shows in --help without loading TensorFlow.js. */
export const DEFAULT_SEED = 20221;
/** Chapter-level precision of the answers the review flag lets through, on held-out rows. */
export const DEFAULT_TARGET_PRECISION = 0.95;

/** The shipped development set: short commercial descriptions the default corpus must not contain. */
export const DEVELOPMENT_SET = 'data/public/hsclassify-micro/benchmark_cases.csv';
