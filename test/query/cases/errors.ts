import { err, q, warn, type Feature } from './case.js';

export const errors: Feature[] = [
  {
    feature: 'Parse errors (1501) and empty queries (1502)',
    cases: [
      err('FOR i IN 1..100 FILTER i = 1 LIMIT 2 RETURN i * 3', 1501),
      err('RETURN', 1501),
      err('RETURN 1 +', 1501),
      err('FOR x IN [1] RETURN x x', 1501),
      err('LET = 1 RETURN 1', 1501),
      err('RETURN @', 1501),
      err('FOR RETURN 1', 1501),
      err('RETURN (1', 1501),
      err('RETURN [1, 2', 1501),
      err('RETURN { a: }', 1501),
      err('FILTER true', 1501),
      err('', 1502),
      err('   ', 1502),
      err('// only a comment\n/* and another */', 1502),
    ],
  },
  {
    feature: 'Compile-time errors',
    cases: [
      err('FOR x IN nowhere RETURN x', 1203),
      err('LET a = 1 LET a = 2 RETURN a', 1511),
      err('RETURN { undeclared }', 1512),
      err('RETURN NOT_A_FUNCTION(1)', 1540),
      err('RETURN LENGTH()', 1541),
      err('INSERT { a: 1 } INTO users INSERT { a: 2 } INTO users', 1579),
      err('FOR u IN users INSERT u INTO empty FOR e IN empty RETURN e', 1579),
    ],
  },
  {
    feature: 'Run-time errors',
    cases: [
      err('FOR x IN 5 RETURN x', 1563),
      err('RETURN FAIL("stop")', 1569),
      err('RETURN RANGE(1, 20000000)', 1504),
      err('INSERT { _key: "ann" } INTO users', 1210),
      err('REMOVE "ghost" IN users', 1202),
      err('INSERT { _key: "" } INTO users', 1221),
    ],
  },
  {
    feature: 'Warnings with their codes',
    cases: [
      warn('1 / 0', null, [1562]),
      warn('MERGE({}, null)', null, [1542]),
      warn('MIN(null)', null, [1563]),
      warn('DATE_ISO8601("not a date")', null, [1572]),
      warn('REGEX_TEST("a", "[")', null, [1543]),
      warn('[1 / 0, MIN(null)]', [null, null], [1562, 1563]),
      q('FOR i IN [0, 1, 2] RETURN 6 / i', [null, 6, 3], { warnings: [1562] }),
      warn('1 + 1', 2, []),
    ],
  },
];
