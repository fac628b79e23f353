import { ret, warn, type Feature } from './case.js';

const D = '"2020-03-15T10:20:30.400Z"';

export const dateFunctions: Feature[] = [
  {
    feature: 'Date functions: parsing and building',
    cases: [
      ret('DATE_TIMESTAMP("2020-01-02T03:04:05.678Z")', 1577934245678),
      ret('DATE_TIMESTAMP("2020-01-01")', 1577836800000),
      ret('DATE_TIMESTAMP(2020, 1, 1)', 1577836800000),
      ret('DATE_ISO8601(0)', '1970-01-01T00:00:00.000Z'),
      ret('DATE_ISO8601(2020, 2, 29)', '2020-02-29T00:00:00.000Z'),
      ret('DATE_ISO8601(2020, 1, 2, 3, 4, 5, 6)', '2020-01-02T03:04:05.006Z'),
      ret('DATE_ISO8601("2020-01-02")', '2020-01-02T00:00:00.000Z'),
      ret('DATE_ISO8601("2020-01-02T10:00:00+02:00")', '2020-01-02T08:00:00.000Z'),
      ret('DATE_ISO8601(DATE_TIMESTAMP(2016, 2, 32))', '2016-03-03T00:00:00.000Z'),
      warn('DATE_ISO8601("x")', null, [1572]),
      warn('DATE_ISO8601(253402300800000)', null, [1572]),
      ret('IS_NUMBER(DATE_NOW()) AND DATE_NOW() > 1500000000000', true),
    ],
  },
  {
    feature: 'Date functions: components',
    cases: [
      ret(`[DATE_YEAR(${D}), DATE_MONTH(${D}), DATE_DAY(${D}), DATE_HOUR(${D}), DATE_MINUTE(${D}), DATE_SECOND(${D}), DATE_MILLISECOND(${D})]`, [2020, 3, 15, 10, 20, 30, 400]),
      ret(`[DATE_DAYOFWEEK(${D}), DATE_DAYOFYEAR(${D}), DATE_QUARTER(${D}), DATE_ISOWEEK(${D})]`, [0, 75, 1, 11]),
      ret('[DATE_LEAPYEAR("2020-01-01"), DATE_LEAPYEAR("1900-01-01"), DATE_LEAPYEAR("2000-01-01")]', [true, false, true]),
      ret('[DATE_DAYS_IN_MONTH("2020-02-10"), DATE_DAYS_IN_MONTH("2021-02-10"), DATE_DAYS_IN_MONTH("2021-04-01")]', [29, 28, 30]),
      ret('DATE_YEAR(0)', 1970),
    ],
  },
  {
    feature: 'Date functions: arithmetic, comparison, formatting',
    cases: [
      ret('DATE_ADD("2020-01-31", 1, "day")', '2020-02-01T00:00:00.000Z'),
      ret('DATE_ADD("2020-01-01", 2, "hours")', '2020-01-01T02:00:00.000Z'),
      ret('DATE_ADD("2020-01-01", 1, "y")', '2021-01-01T00:00:00.000Z'),
      ret('DATE_ADD("2020-01-01", 1, "week")', '2020-01-08T00:00:00.000Z'),
      ret('DATE_ADD(0, 1500, "f")', '1970-01-01T00:00:01.500Z'),
      ret('DATE_ADD("2020-01-01", "P1D")', '2020-01-02T00:00:00.000Z'),
      ret('DATE_ADD("2020-01-01", "PT1H30M")', '2020-01-01T01:30:00.000Z'),
      ret('DATE_SUBTRACT("2020-01-01", 1, "day")', '2019-12-31T00:00:00.000Z'),
      ret('DATE_SUBTRACT("2020-03-01", 1, "months")', '2020-02-01T00:00:00.000Z'),
      ret('DATE_DIFF("2020-01-01", "2020-01-03", "d")', 2),
      ret('DATE_DIFF("2020-01-03", "2020-01-01", "days")', -2),
      ret('DATE_DIFF("2020-01-01T00:00:00Z", "2020-01-01T01:30:00Z", "h")', 1),
      ret('DATE_DIFF("2020-01-01T00:00:00Z", "2020-01-01T01:30:00Z", "h", true)', 1.5),
      ret('DATE_COMPARE("2020-01-01T10:00:00Z", "2020-01-01T12:00:00Z", "years", "days")', true),
      ret('DATE_COMPARE("2020-01-01T10:00:00Z", "2020-01-01T12:00:00Z", "years", "hours")', false),
      ret('DATE_FORMAT("2020-03-05T07:08:09.010Z", "%yyyy-%mm-%dd %hh:%ii:%ss.%fff")', '2020-03-05 07:08:09.010'),
      ret('DATE_FORMAT("2020-03-05T07:08:09.010Z", "%%%yyyy")', '%2020'),
      ret(`DATE_TRUNC(${D}, "day")`, '2020-03-15T00:00:00.000Z'),
      ret(`DATE_TRUNC(${D}, "month")`, '2020-03-01T00:00:00.000Z'),
      ret(`DATE_TRUNC(${D}, "hours")`, '2020-03-15T10:00:00.000Z'),
    ],
  },
];
