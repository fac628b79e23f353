import { err, q, type Feature } from './case.js';

export const collect: Feature[] = [
  {
    feature: 'COLLECT',
    cases: [
      q('FOR u IN users COLLECT city = u.city RETURN city', ['Berlin', 'Paris', 'Rome']),
      q('FOR u IN users COLLECT city = u.city WITH COUNT INTO n RETURN { city, n }',
        [{ city: 'Berlin', n: 2 }, { city: 'Paris', n: 2 }, { city: 'Rome', n: 1 }]),
      q('FOR u IN users COLLECT city = u.city, active = u.active WITH COUNT INTO n RETURN [city, active, n]',
        [['Berlin', true, 2], ['Paris', false, 2], ['Rome', true, 1]]),
      q('FOR x IN 1..7 COLLECT odd = x % 2 == 1 WITH COUNT INTO n RETURN { odd, n }', [{ odd: false, n: 3 }, { odd: true, n: 4 }]),
      q('FOR x IN [1, 1.0, 2] COLLECT v = x WITH COUNT INTO n RETURN [v, n]', [[1, 2], [2, 1]]),
      q('FOR x IN ["a", "A", "b"] COLLECT v = x RETURN v', ['A', 'a', 'b']),
      q('FOR x IN ["x", 2, null, true, [1]] COLLECT v = x RETURN v', [null, true, 2, 'x', [1]]),
      q('COLLECT x = 1 RETURN x', [1]),
    ],
  },
  {
    feature: 'COLLECT WITH COUNT INTO',
    cases: [
      q('FOR u IN users COLLECT WITH COUNT INTO n RETURN n', [5]),
      q('FOR u IN empty COLLECT WITH COUNT INTO n RETURN n', [0]),
      q('FOR u IN users FILTER u.age > 100 COLLECT WITH COUNT INTO n RETURN n', [0]),
      q('FOR i IN 1..3 FOR j IN 1..i COLLECT WITH COUNT INTO n RETURN n', [6]),
    ],
  },
  {
    feature: 'COLLECT AGGREGATE',
    cases: [
      q('FOR u IN users COLLECT city = u.city AGGREGATE lo = MIN(u.age), hi = MAX(u.age), total = SUM(u.age), n = LENGTH(u) RETURN { city, lo, hi, total, n }',
        [{ city: 'Berlin', lo: 30, hi: 30, total: 30, n: 2 }, { city: 'Paris', lo: 25, hi: 25, total: 50, n: 2 }, { city: 'Rome', lo: 41, hi: 41, total: 41, n: 1 }]),
      q('FOR u IN users COLLECT AGGREGATE avg = AVERAGE(u.age) RETURN avg', [30.25]),
      q('FOR u IN empty COLLECT AGGREGATE n = LENGTH(u), s = SUM(u.x), m = MAX(u.x), a = AVG(u.x) RETURN [n, s, m, a]', [[0, 0, null, null]]),
      q('FOR u IN users COLLECT AGGREGATE cities = SORTED_UNIQUE(u.city), d = COUNT_DISTINCT(u.city) RETURN [cities, d]', [[['Berlin', 'Paris', 'Rome'], 3]]),
      q('FOR u IN users COLLECT AGGREGATE c = COUNT(u) RETURN c', [5]),
      q('FOR x IN [2, 4, 4, 4, 5, 5, 7, 9] COLLECT AGGREGATE v = VARIANCE_POPULATION(x), s = STDDEV_POPULATION(x) RETURN [v, s]', [[4, 2]]),
      q('FOR x IN [2, 4, 4, 4, 5, 5, 7, 9] COLLECT AGGREGATE v = VARIANCE_SAMPLE(x) RETURN v', [32 / 7]),
      q('FOR x IN [3, 1, 3] COLLECT AGGREGATE u = UNIQUE(x) RETURN u', [[3, 1]], { unordered: true }),
      q('FOR o IN orders COLLECT user = o.user AGGREGATE spent = SUM(o.total) SORT spent DESC RETURN { user, spent }', [{ user: 'bob', spent: 25.5 }, { user: 'ann', spent: 17 }]),
      err('FOR u IN users COLLECT AGGREGATE x = CONCAT(u.name) RETURN x', 1574),
      err('FOR u IN users COLLECT AGGREGATE x = u.age + 1 RETURN x', 1574),
    ],
  },
  {
    feature: 'COLLECT INTO and KEEP',
    cases: [
      q('FOR u IN users COLLECT active = u.active INTO g RETURN { active, keys: g[*].u._key }',
        [{ active: false, keys: ['bob', 'eve'] }, { active: true, keys: ['ann', 'cy', 'dee'] }]),
      q('FOR u IN users COLLECT city = u.city INTO names = u.name RETURN { city, names }',
        [{ city: 'Berlin', names: ['Ann', 'Cy'] }, { city: 'Paris', names: ['Bob', 'Eve'] }, { city: 'Rome', names: ['dee'] }]),
      q('FOR u IN users LET k = u._key COLLECT c = u.city INTO g KEEP k RETURN g',
        [[{ k: 'ann' }, { k: 'cy' }], [{ k: 'bob' }, { k: 'eve' }], [{ k: 'dee' }]]),
      q('FOR x IN [1, 2] LET y = x * 10 COLLECT p = x % 2 INTO g RETURN g', [[{ x: 2, y: 20 }], [{ x: 1, y: 10 }]]),
      q('FOR x IN [1, 2, 3] COLLECT p = x % 2 INTO g = x * 100 RETURN [p, g]', [[0, [200]], [1, [100, 300]]]),
      err('FOR u IN users COLLECT c = u.city KEEP u RETURN c', 1501),
    ],
  },
];
