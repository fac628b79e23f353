import { arrayOperators } from './arrays-ops.js';
import { bind } from './bind.js';
import type { Feature } from './case.js';
import { collect } from './collect.js';
import { errors } from './errors.js';
import { limits } from './limits.js';
import { arrayFunctions } from './fn-arrays.js';
import { dateFunctions } from './fn-dates.js';
import { documentFunctions } from './fn-documents.js';
import { miscFunctions } from './fn-misc.js';
import { numericFunctions } from './fn-numeric.js';
import { stringFunctions } from './fn-strings.js';
import { typeFunctions } from './fn-types.js';
import { modify } from './modify.js';
import { operators } from './operators.js';
import { pushdown } from './pushdown.js';
import { statements } from './statements.js';

export type { Docs, Feature, QueryCase } from './case.js';
export { standardData } from './case.js';

export const FEATURES: Feature[] = [
  ...statements, ...collect, ...modify, ...bind, ...operators, ...arrayOperators,
  ...typeFunctions, ...stringFunctions, ...numericFunctions, ...arrayFunctions, ...documentFunctions,
  ...dateFunctions, ...miscFunctions, ...errors, ...limits, ...pushdown,
];

/** Every case's query and bind values: the fuzzers' seeds. */
export function seedQueries(): { query: string; bindVars: Record<string, unknown> }[] {
  return FEATURES.flatMap((f) => f.cases).map((c) => ({ query: c.query, bindVars: c.bind ?? {} }));
}
