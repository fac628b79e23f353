import { err, ret, warn, type Feature } from './case.js';

const BERLIN_COLOGNE = 476918.89688380965;
const SQUARE = 'GEO_POLYGON([[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]])';
const HOLED = 'GEO_POLYGON([[[0, 0], [3, 0], [3, 3], [0, 3], [0, 0]], [[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]]])';

export const miscFunctions: Feature[] = [
  {
    feature: 'Hash functions',
    cases: [
      ret('MD5("")', 'd41d8cd98f00b204e9800998ecf8427e'),
      ret('MD5("abc")', '900150983cd24fb0d6963f7d28e17f72'),
      ret('MD5(1)', 'c4ca4238a0b923820dcc509a6f75849b'),
      ret('SHA1("abc")', 'a9993e364706816aba3e25717850c26c9cd0d89d'),
      ret('SHA512("abc")', 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'),
      ret('CRC32("foobar")', 'D5F5C7F'),
      ret('FNV64("foobar")', '85944171F73967E8'),
    ],
  },
  {
    feature: 'CALL, APPLY, FAIL and helpers',
    cases: [
      ret('CALL("CONCAT", "a", "b")', 'ab'),
      ret('CALL("lower", "ABC")', 'abc'),
      ret('APPLY("CONCAT", ["a", "b"])', 'ab'),
      ret('APPLY("MAX", [[1, 3, 2]])', 3),
      ret('[NOOPT(1), PASSTHRU(2)]', [1, 2]),
      err('RETURN FAIL("boom")', 1569),
      err('RETURN FAIL()', 1569),
      err('FOR i IN 1..3 RETURN i == 2 ? FAIL("at two") : i', 1569),
      err('RETURN CALL("NO_SUCH_FUNCTION")', 1540),
    ],
  },
  {
    feature: 'Function names and arity',
    cases: [
      ret('to_number("5")', 5),
      ret('Length([1])', 1),
      err('RETURN NO_SUCH_FUNCTION()', 1540),
      err('RETURN LENGTH()', 1541),
      err('RETURN LENGTH(1, 2)', 1541),
      err('RETURN LENGTH([], [])', 1541),
      err('RETURN SUBSTRING("x")', 1541),
    ],
  },
  {
    feature: 'Geo functions',
    cases: [
      ret('DISTANCE(52.5163, 13.3777, 50.9322, 6.94)', BERLIN_COLOGNE),
      ret('GEO_DISTANCE([13.3777, 52.5163], [6.94, 50.9322])', BERLIN_COLOGNE),
      ret('GEO_DISTANCE(GEO_POINT(0, 0), GEO_POINT(0, 1))', 6371000 * Math.PI / 180),
      ret('GEO_DISTANCE([0, 0], [0, 1], "sphere")', 6371000 * Math.PI / 180),
      err('RETURN GEO_DISTANCE([0, 0], [0, 1], "wgs84")', 9),
      err('RETURN GEO_DISTANCE(GEO_POINT(102, 0), GEO_LINESTRING([[102, 0], [103, 1]]))', 9),
      err('RETURN GEO_DISTANCE({ type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, [0, 0])', 9),
      ret('GEO_POINT(1, 2)', { type: 'Point', coordinates: [1, 2] }),
      ret('GEO_MULTIPOINT([[1, 2], [3, 4]])', { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] }),
      ret('GEO_LINESTRING([[1, 2], [3, 4]])', { type: 'LineString', coordinates: [[1, 2], [3, 4]] }),
      ret('GEO_MULTILINESTRING([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])', { type: 'MultiLineString', coordinates: [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] }),
      ret('GEO_MULTIPOLYGON([[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 5]], [[5.2, 5.1], [5.8, 5.1], [5.8, 5.7], [5.2, 5.1]]]])',
        { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 5]], [[5.2, 5.1], [5.8, 5.1], [5.8, 5.7], [5.2, 5.1]]]] }),
      warn('GEO_MULTIPOLYGON([[0, 0], [1, 0], [1, 1], [0, 0]])', null, [1542]),
      ret(`GEO_CONTAINS(${SQUARE}, [1, 1])`, true),
      ret(`GEO_CONTAINS(${SQUARE}, [3, 1])`, false),
      ret(`GEO_CONTAINS(${SQUARE}, [2, 2])`, true),
      ret(`GEO_CONTAINS(${HOLED}, [0.5, 0.5])`, true),
      ret(`GEO_CONTAINS(${HOLED}, [1.5, 1.5])`, false),
      ret(`GEO_CONTAINS(${SQUARE}, GEO_LINESTRING([[0.5, 0.5], [1.5, 1.5]]))`, true),
      ret(`GEO_CONTAINS(${SQUARE}, GEO_LINESTRING([[0.5, 0.5], [2.5, 1.5]]))`, false),
      ret(`GEO_CONTAINS(${SQUARE}, ${SQUARE})`, true),
      ret(`GEO_CONTAINS(${SQUARE}, GEO_POLYGON([[1, 1], [3, 1], [3, 3], [1, 1]]))`, false),
      // The top edge is a great circle from 60°E to 60°W along 60°N: it bulges to about 73.9°N.
      ret('GEO_CONTAINS(GEO_POLYGON([[-60, 0], [60, 0], [60, 60], [-60, 60], [-60, 0]]), [0, 70])', true),
      ret('GEO_CONTAINS(GEO_POLYGON([[-60, 0], [60, 0], [60, 60], [-60, 60], [-60, 0]]), [0, 75])', false),
      ret('GEO_INTERSECTS(GEO_LINESTRING([[0, 0], [2, 2]]), GEO_LINESTRING([[0, 2], [2, 0]]))', true),
      ret('GEO_INTERSECTS(GEO_LINESTRING([[0, 0], [1, 0]]), GEO_LINESTRING([[0, 1], [1, 1]]))', false),
      ret(`GEO_INTERSECTS(${SQUARE}, GEO_POLYGON([[1, 1], [3, 1], [3, 3], [1, 1]]))`, true),
      ret(`GEO_INTERSECTS(${SQUARE}, GEO_MULTIPOINT([[5, 5], [1, 1]]))`, true),
      ret(`GEO_INTERSECTS(${SQUARE}, [5, 5])`, false),
      ret(`GEO_EQUALS(${SQUARE}, ${SQUARE})`, true),
      ret(`GEO_EQUALS(${SQUARE}, GEO_POLYGON([[0, 0], [2, 0], [2, 3], [0, 2], [0, 0]]))`, false),
      ret('GEO_EQUALS([1, 2], GEO_POINT(1, 2))', true),
      warn(`GEO_CONTAINS(${SQUARE}, "here")`, null, [1542]),
      err('RETURN GEO_CONTAINS(GEO_POLYGON([[-170, 0], [-50, 0], [70, 0], [-170, 0]]), [0, 10])', 9),
      err('RETURN GEO_CONTAINS(GEO_LINESTRING([[0, 0], [1, 1]]), [0, 0])', 9),
      ret('GEO_POLYGON([[0, 0], [1, 0], [1, 1], [0, 0]])', { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }),
    ],
  },
];
