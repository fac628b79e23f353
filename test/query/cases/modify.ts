import { err, q, type Feature } from './case.js';

const nested = { c: [{ _key: 'k', n: { a: 1, b: 2 }, v: 1 }] };

export const modify: Feature[] = [
  {
    feature: 'INSERT',
    cases: [
      q('INSERT { _key: "zed", name: "Zed" } INTO users RETURN NEW.name', ['Zed'], { then: { query: 'RETURN DOCUMENT("users/zed").name', expected: ['Zed'] } }),
      q('INSERT { name: "Q" } INTO users RETURN [IS_STRING(NEW._key), NEW._id == CONCAT("users/", NEW._key), HAS(NEW, "_rev")]', [[true, true, true]]),
      q('INSERT { _key: "n1" } INTO empty', [], { then: { query: 'FOR e IN empty RETURN e._key', expected: ['n1'] } }),
      q('FOR i IN 1..3 INSERT { _key: CONCAT("n", i), i } INTO empty', [], { then: { query: 'FOR e IN empty SORT e.i RETURN e._key', expected: ['n1', 'n2', 'n3'] } }),
      q('INSERT { _key: "b1" } INTO @@c RETURN NEW._id', ['empty/b1'], { bind: { '@c': 'empty' } }),
      q('FOR k IN ["ann", "new"] INSERT { _key: k } INTO users OPTIONS { ignoreErrors: true } RETURN NEW._key', ['new']),
      q('INSERT { _key: "ann", v: 1 } INTO users OPTIONS { overwrite: true } RETURN [OLD.name, NEW.v, HAS(NEW, "name")]', [['Ann', 1, false]]),
      q('FOR u IN users FILTER u.city == "Rome" INSERT { copyOf: u._key } INTO empty RETURN NEW.copyOf', ['dee']),
      err('INSERT { _key: "ann" } INTO users', 1210),
      err('INSERT { _key: "a b" } INTO users', 1221),
      err('INSERT 5 INTO users', 1227),
      err('INSERT {} INTO users FOR u IN users RETURN u', 1579),
      err('INSERT {} INTO nosuch', 1203),
    ],
  },
  {
    feature: 'UPDATE',
    cases: [
      q('UPDATE "ann" WITH { age: 31 } IN users RETURN [OLD.age, NEW.age, NEW.name]', [[30, 31, 'Ann']]),
      q('UPDATE { _key: "bob", age: 26 } IN users RETURN NEW.age', [26]),
      q('FOR u IN users FILTER u.city == "Paris" UPDATE u WITH { city: "Lyon" } IN users RETURN NEW.city', ['Lyon', 'Lyon'],
        { then: { query: 'FOR u IN users FILTER u.city == "Lyon" RETURN u._key', expected: ['bob', 'eve'] } }),
      q('UPDATE "ann" WITH { city: null } IN users RETURN [HAS(NEW, "city"), NEW.city]', [[true, null]]),
      q('UPDATE "ann" WITH { city: null } IN users OPTIONS { keepNull: false } RETURN HAS(NEW, "city")', [false]),
      q('UPDATE "k" WITH { n: { b: 3, c: 4 } } IN c RETURN NEW.n', [{ a: 1, b: 3, c: 4 }], { data: nested }),
      q('UPDATE "k" WITH { n: { b: 3, c: 4 } } IN c OPTIONS { mergeObjects: false } RETURN NEW.n', [{ b: 3, c: 4 }], { data: nested }),
      q('FOR d IN c UPDATE d WITH { v: d.v + 1 } IN c RETURN [OLD.v, NEW.v]', [[1, 2]], { data: nested }),
      q('UPDATE "ann" WITH { _key: "zzz", x: 1 } IN users RETURN [NEW._key, NEW.x]', [['ann', 1]]),
      q('UPDATE "nope" WITH { a: 1 } IN users OPTIONS { ignoreErrors: true }', [], { then: { query: 'RETURN LENGTH(FOR u IN users RETURN 1)', expected: [5] } }),
      err('UPDATE "nope" WITH { a: 1 } IN users', 1202),
      err('UPDATE { _key: "ann", _rev: "wrong" } WITH { a: 1 } IN users OPTIONS { ignoreRevs: false }', 1200),
    ],
  },
  {
    feature: 'REPLACE',
    cases: [
      q('REPLACE "ann" WITH { only: 1 } IN users RETURN [NEW._key, NEW.only, HAS(NEW, "name"), OLD.name]', [['ann', 1, false, 'Ann']]),
      q('REPLACE { _key: "bob", x: 2 } IN users RETURN KEEP(NEW, "_key", "x")', [{ _key: 'bob', x: 2 }]),
      q('FOR u IN users FILTER u.city == "Rome" REPLACE u WITH { city: "Milan" } IN users', [],
        { then: { query: 'RETURN UNSET(DOCUMENT("users/dee"), "_rev")', expected: [{ _key: 'dee', _id: 'users/dee', city: 'Milan' }] } }),
      err('REPLACE "nope" WITH { a: 1 } IN users', 1202),
    ],
  },
  {
    feature: 'REMOVE',
    cases: [
      q('REMOVE "ann" IN users RETURN OLD.name', ['Ann'], { then: { query: 'RETURN LENGTH(FOR u IN users RETURN 1)', expected: [4] } }),
      q('REMOVE { _key: "bob" } IN users RETURN OLD._key', ['bob']),
      q('FOR u IN users FILTER u.active == false REMOVE u IN users', [], { then: { query: 'FOR u IN users RETURN u._key', expected: ['ann', 'cy', 'dee'] } }),
      q('FOR k IN ["cy", "nope"] REMOVE k IN users OPTIONS { ignoreErrors: true } RETURN OLD._key', ['cy']),
      err('REMOVE "nope" IN users', 1202),
      err('REMOVE "ann" IN users REMOVE "bob" IN users', 1579),
    ],
  },
  {
    feature: 'UPSERT',
    cases: [
      q('UPSERT { name: "Zed" } INSERT { name: "Zed", n: 1 } UPDATE { n: OLD.n + 1 } IN users RETURN [OLD, NEW.n]', [[null, 1]]),
      q('UPSERT { name: "Ann" } INSERT { name: "Ann", n: 1 } UPDATE { n: 5 } IN users RETURN [OLD._key, NEW.n, NEW.city]', [['ann', 5, 'Berlin']]),
      q('UPSERT { name: "Ann" } INSERT {} REPLACE { name: "Ann", r: true } IN users RETURN [NEW._key, NEW.r, HAS(NEW, "city")]', [['ann', true, false]]),
      q('UPSERT @s INSERT @s UPDATE {} IN users RETURN NEW.name', ['New'], { bind: { s: { name: 'New' } } }),
      q('UPSERT { city: "Paris", age: 25 } INSERT {} UPDATE { seen: true } IN users RETURN OLD.city', ['Paris']),
      q('FOR i IN [1, 1, 1] UPSERT { _key: "cnt" } INSERT { _key: "cnt", n: 1 } UPDATE { n: OLD.n + 1 } IN empty RETURN NEW.n', [1, 2, 3]),
    ],
  },
  {
    feature: 'Modification OPTIONS, NEW and OLD',
    cases: [
      q('LET r = (FOR i IN 1..2 INSERT { i } INTO empty RETURN NEW.i) RETURN r', [[1, 2]]),
      q('UPDATE "ann" WITH { age: 99 } IN users RETURN { old: OLD.age, new: NEW.age }', [{ old: 30, new: 99 }]),
      q('REMOVE "ann" IN users LET gone = OLD RETURN gone.city', ['Berlin']),
      q('INSERT { a: 1 } INTO empty OPTIONS { waitForSync: true, exclusive: true } RETURN NEW.a', [1]),
      err('INSERT {} INTO users OPTIONS 5', 1501),
      err('FOR x IN [true] INSERT {} INTO users OPTIONS { ignoreErrors: x }', 1575),
    ],
  },
];
