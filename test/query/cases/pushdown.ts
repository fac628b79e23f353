import { q, type Feature } from './case.js';

/** Values of every type in one attribute, so a push-down that forgets AQL's type order gives other rows. */
const mixed = {
  c: [
    { _key: '1', v: 30 }, { _key: '2', v: null }, { _key: '3' }, { _key: '4', v: '5' }, { _key: '5', v: true },
    { _key: '6', v: 4 }, { _key: '7', v: [1] }, { _key: '8', v: { a: 1 } }, { _key: '9', v: 'a' }, { _key: '10', v: 'B' },
    { _key: '11', v: false }, { _key: '12', v: 4.0 },
  ],
};
const m = (query: string, expected: unknown[], bind?: Record<string, unknown>) => q(query, expected, { data: mixed, ...(bind ? { bind } : {}) });

export const pushdown: Feature[] = [
  {
    feature: 'Push-down equivalence over mixed types',
    cases: [
      m('FOR d IN c FILTER d.v < 5 RETURN d._key', ['2', '3', '5', '6', '11', '12']),
      m('FOR d IN c FILTER 5 > d.v RETURN d._key', ['2', '3', '5', '6', '11', '12']),
      m('FOR d IN c FILTER d.v > 5 RETURN d._key', ['1', '4', '7', '8', '9', '10']),
      m('FOR d IN c FILTER d.v <= false RETURN d._key', ['2', '3', '11']),
      m('FOR d IN c FILTER d.v == 4 RETURN d._key', ['6', '12']),
      m('FOR d IN c FILTER d.v == "5" RETURN d._key', ['4']),
      m('FOR d IN c FILTER d.v == true RETURN d._key', ['5']),
      m('FOR d IN c FILTER d.v == 1 RETURN d._key', []),
      m('FOR d IN c FILTER d.v == null RETURN d._key', ['2', '3']),
      m('FOR d IN c FILTER d.v != null RETURN d._key', ['1', '4', '5', '6', '7', '8', '9', '10', '11', '12']),
      m('FOR d IN c FILTER d.v != 4 RETURN d._key', ['1', '2', '3', '4', '5', '7', '8', '9', '10', '11']),
      m('FOR d IN c FILTER d.v IN [4, "a", false] RETURN d._key', ['6', '9', '11', '12']),
      m('FOR d IN c FILTER d.v NOT IN [4, "a", false, null] RETURN d._key', ['1', '4', '5', '7', '8', '10']),
      m('FOR d IN c FILTER d.v >= "a" RETURN d._key', ['7', '8', '9', '10']),
      m('FOR d IN c FILTER d.v < "B" RETURN d._key', ['1', '2', '3', '4', '5', '6', '9', '11', '12']),
      m('FOR d IN c FILTER d.v == [1] RETURN d._key', ['7']),
      m('FOR d IN c FILTER d.v.a == 1 RETURN d._key', ['8']),
      m('FOR d IN c FILTER d.v[0] == 1 RETURN d._key', ['7']),
      m('FOR d IN c FILTER d._key == "3" RETURN d._key', ['3']),
      m('FOR d IN c FILTER d._key IN ["1", "2"] RETURN d._key', ['1', '2']),
      m('FOR d IN c FILTER d.v == 4 AND d._key != "6" RETURN d._key', ['12']),
      m('FOR d IN c FILTER d.v == @x RETURN d._key', ['1'], { x: 30 }),
      m('FOR d IN c SORT d.v, d._key RETURN d._key', ['2', '3', '11', '5', '12', '6', '1', '4', '9', '10', '7', '8']),
      m('FOR d IN c SORT d.v DESC, d._key RETURN d._key', ['8', '7', '10', '9', '4', '1', '12', '6', '5', '11', '2', '3']),
      m('FOR d IN c FILTER d.v > 4 SORT d.v LIMIT 1, 2 RETURN d._key', ['4', '9']),
      m('FOR d IN c LIMIT 3 RETURN d._key', ['1', '2', '3']),
      m('FOR d IN c LIMIT 10, 5 RETURN d._key', ['11', '12']),
      m('FOR d IN c FILTER d.v >= 0 FILTER d.v < 10 SORT d._key LIMIT 1 RETURN d._key', ['12']),
      m('FOR d IN c FILTER LENGTH(TO_STRING(d.v)) == 1 FILTER d.v > 1 RETURN d._key', ['4', '6', '9', '10', '12']),
      m('FOR d IN c COLLECT t = TYPENAME(d.v) WITH COUNT INTO n RETURN [t, n]',
        [['array', 1], ['bool', 2], ['null', 2], ['number', 3], ['object', 1], ['string', 3]]),
      m('FOR d IN c FILTER d.v == 4 RETURN UNSET(d, "_rev")', [{ _key: '6', _id: 'c/6', v: 4 }, { _key: '12', _id: 'c/12', v: 4 }]),
    ],
  },
];
