import { err, q, warn, type Feature } from './case.js';

const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
/** LETs that each wrap the one before 200 levels deeper: a value deeper than any literal can be. */
const wrapped = (lets: number) =>
  `LET a0 = 1 ${Array.from({ length: lets }, (_, i) => `LET a${i + 1} = ${'{x:'.repeat(200)}a${i}${'}'.repeat(200)}`).join(' ')} RETURN a${lets}`;

export const limits: Feature[] = [
  {
    feature: 'Nesting limits (1524) and numbers out of range (1504)',
    cases: [
      err('RETURN 1e309', 1504),
      err('RETURN -1e309', 1504),
      err('INSERT { n: 1e309 } INTO users', 1504),
      err(`RETURN CALL(${'"CALL", '.repeat(300)}"LENGTH", [1])`, 1524),
      err(`RETURN APPLY("APPLY", ["APPLY", ["APPLY", ${'["APPLY", '.repeat(300)}["LENGTH", [[1]]]${']'.repeat(300)}]])`, 1524),
      err(wrapped(6), 1524),
      q(wrapped(4).replace(/RETURN a4$/, 'RETURN LENGTH(a4)'), [1]),
      warn(`JSON_PARSE(${JSON.stringify(nested(101))})`, null, [1542]),
      warn(`JSON_PARSE(${JSON.stringify(`${'['.repeat(5_000)}${']'.repeat(5_000)}`)})`, null, [1542]),
      warn(`LENGTH(JSON_PARSE(${JSON.stringify(nested(100))}))`, 1, []),
      warn('JSON_PARSE("1e309")', null, [1542]),
    ],
  },
  {
    feature: 'Large and malformed strings give a result or a warning, never an internal error',
    cases: [
      warn('LENGTH(TO_BASE64(CONCAT_SEPARATOR("", (FOR i IN 1..100000 RETURN "aaaaaaaaaa"))))', 1_333_336, []),
      warn('TO_BASE64("abc")', 'YWJj', []),
      warn('ENCODE_URI_COMPONENT("\\uD800x")', '%EF%BF%BDx', []),
      warn('ENCODE_URI_COMPONENT("x\\uDC00")', 'x%EF%BF%BD', []),
      warn('ENCODE_URI_COMPONENT("\\uD83D\\uDE00")', '%F0%9F%98%80', []),
      warn('LENGTH(FLATTEN([1..300000]))', 300_000, []),
      warn('LENGTH(INTERLEAVE(1..300000, [1]))', 300_001, []),
      warn('LENGTH([1..300000][**])', 300_000, []),
    ],
  },
  {
    feature: "'__proto__' is refused as an attribute or variable name, never silently dropped",
    cases: [
      err('RETURN { __proto__: 1 }', 10),
      err('RETURN { "\\u005f_proto__": { x: 1 } }', 10),
      err('RETURN { [CONCAT("__pro", "to__")]: 1 }', 10),
      err('RETURN ZIP(["__proto__"], [1])', 10),
      err('INSERT { __proto__: { x: 1 } } INTO users', 10),
      err('LET __proto__ = { x: 1 } RETURN 1', 1510),
      warn('JSON_PARSE("{\\"\\\\u005f_proto__\\": {\\"x\\": 1}}")', null, [1542]),
      warn('MERGE({ a: 1 }, { b: 2 })', { a: 1, b: 2 }, []),
    ],
  },
];
