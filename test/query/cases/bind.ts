import { err, q, type Feature } from './case.js';

export const bind: Feature[] = [
  {
    feature: 'Bind parameters',
    cases: [
      q('RETURN @x', [5], { bind: { x: 5 } }),
      q('RETURN @x', [{ a: [1, null] }], { bind: { x: { a: [1, null] } } }),
      q('RETURN [@x, @x]', [[1, 1]], { bind: { x: 1 } }),
      q('RETURN @1 + @_v', [10], { bind: { 1: 7, _v: 3 } }),
      q('FOR u IN @@c FILTER u.age > @min RETURN u._key', ['ann', 'dee'], { bind: { '@c': 'users', min: 29 } }),
      q('FOR u IN users FILTER u._key == "ann" RETURN u.@a', ['Berlin'], { bind: { a: 'city' } }),
      q('FOR u IN users FILTER u.@a == @v RETURN u._key', ['bob', 'eve'], { bind: { a: 'city', v: 'Paris' } }),
      q('RETURN { @k: 1 }', [{ z: 1 }], { bind: { k: 'z' } }),
      q('FOR i IN 1..5 LIMIT @n RETURN i', [1, 2], { bind: { n: 2 } }),
      q('FOR x IN @list RETURN x * 2', [2, 4], { bind: { list: [1, 2] } }),
      q('RETURN @s LIKE "a%"', [true], { bind: { s: 'abc' } }),
      q('FOR u IN users FILTER u.age IN @ages RETURN u._key', ['ann', 'dee'], { bind: { ages: [30, 41] } }),
    ],
  },
  {
    feature: 'Bind parameter errors 1550-1553',
    cases: [
      err('RETURN 1', 1550, { bind: [1] as unknown as Record<string, unknown> }),
      err('RETURN 1', 1550, { bind: 'x' as unknown as Record<string, unknown> }),
      err('RETURN @x', 1551),
      err('FOR u IN [1, 2] RETURN @value', 1551),
      err('FOR u IN @@c RETURN u', 1551),
      err('RETURN 1', 1552, { bind: { x: 1 } }),
      err('RETURN @x', 1551, { bind: { y: 1 } }),
      err('RETURN @x', 1552, { bind: { x: 1, y: 2 } }),
      err('FOR u IN @@c RETURN u', 1553, { bind: { '@c': 5 } }),
      err('FOR u IN @@c RETURN u', 1553, { bind: { '@c': ['users'] } }),
      err('RETURN {}.@a', 1553, { bind: { a: 5 } }),
      err('RETURN {}.@a', 1553, { bind: { a: '' } }),
      err('FOR u IN @@c RETURN u', 1208, { bind: { '@c': '' } }),
      err('FOR u IN @@c RETURN u', 1203, { bind: { '@c': 'nosuch' } }),
    ],
  },
];
