import type { Options } from 'ajv/dist/2020';

// Strict, except that "exactly one of hs6 or code" needs `required` in oneOf branches that do not
// redeclare the properties. Validation stops at the first error, so a hostile body costs little;
// verbose keeps the schema beside each error for the names an unknown field could have been.
export const REQUEST_AJV_OPTIONS: Options = {
  strict: true,
  strictRequired: false,
  allErrors: false,
  verbose: true,
};
