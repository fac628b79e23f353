import { ARRAY_FUNCTIONS } from './arrays.js';
import type { FnDef } from './context.js';
import { DATE_FUNCTIONS } from './dates.js';
import { DOCUMENT_FUNCTIONS } from './documents.js';
import { FULLTEXT_FUNCTIONS } from './fulltext.js';
import { GEO_FUNCTIONS } from './geo.js';
import { GEO_INDEX_FUNCTIONS } from './geo-near.js';
import { HASH_FUNCTIONS } from './hashes.js';
import { NUMERIC_FUNCTIONS } from './numeric.js';
import { STRING_FUNCTIONS } from './strings.js';
import { TYPECHECK_FUNCTIONS } from './typecheck.js';

/** Every built-in function by upper-case name; arities are checked at compile time (1541). */
export const FUNCTIONS: ReadonlyMap<string, FnDef> = new Map(Object.entries({
  ...TYPECHECK_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...HASH_FUNCTIONS,
  ...NUMERIC_FUNCTIONS,
  ...ARRAY_FUNCTIONS,
  ...DOCUMENT_FUNCTIONS,
  ...DATE_FUNCTIONS,
  ...GEO_FUNCTIONS,
  ...FULLTEXT_FUNCTIONS,
  ...GEO_INDEX_FUNCTIONS,
}));

/** Functions allowed in COLLECT ... AGGREGATE (spec §1.2). */
export const AGGREGATE_FUNCTIONS: ReadonlySet<string> = new Set([
  'LENGTH', 'COUNT', 'MIN', 'MAX', 'SUM', 'AVERAGE', 'AVG', 'STDDEV_POPULATION', 'STDDEV', 'STDDEV_SAMPLE',
  'VARIANCE_POPULATION', 'VARIANCE', 'VARIANCE_SAMPLE', 'UNIQUE', 'SORTED_UNIQUE', 'COUNT_DISTINCT', 'COUNT_UNIQUE',
]);
