/**
 * The one error registry. Every error a PoP answers with comes from here, so the HTTP status,
 * errorNum and default message of a code can never disagree between two handlers. Numbers and
 * texts follow ArangoDB's errors.dat, which C8 inherits (spec/gdn-api.md §1.6, spec/c8ql.md §4.3).
 */
export interface ErrorSpec {
  readonly errorNum: number;
  readonly status: number;
  readonly message: string;
}

function spec(errorNum: number, status: number, message: string): ErrorSpec {
  return { errorNum, status, message };
}

export const ERRORS = {
  BAD_PARAMETER: spec(10, 400, 'bad parameter'),
  UNAUTHORIZED: spec(11, 401, 'not authorized to execute this request'),
  FORBIDDEN: spec(11, 403, 'forbidden'),
  NOT_FOUND: spec(404, 404, 'unknown path'),
  METHOD_NOT_ALLOWED: spec(405, 405, 'method not supported'),
  REQUEST_TIMEOUT: spec(408, 408, 'request timeout'),
  REQUEST_TOO_LARGE: spec(413, 413, 'request entity too large'),
  URI_TOO_LONG: spec(414, 414, 'request URI too long'),
  HEADERS_TOO_LARGE: spec(431, 431, 'request header fields too large'),
  INTERNAL: spec(4, 500, 'internal error'),
  NOT_IMPLEMENTED: spec(9, 501, 'not implemented'),
  SHUTTING_DOWN: spec(30, 503, 'shutdown in progress'),
  RESOURCE_LIMIT: spec(32, 503, 'resource limit exceeded'),
  BAD_GATEWAY: spec(502, 502, 'bad gateway'),
  SERVICE_UNAVAILABLE: spec(503, 503, 'service unavailable'),
  CORRUPTED_JSON: spec(600, 400, 'invalid JSON object'),
  CONFLICT: spec(1200, 409, 'conflict'),
  PRECONDITION_FAILED: spec(1200, 412, 'precondition failed'),
  DOCUMENT_NOT_FOUND: spec(1202, 404, 'document not found'),
  DATA_SOURCE_NOT_FOUND: spec(1203, 404, 'collection or view not found'),
  COLLECTION_PARAMETER_MISSING: spec(1204, 400, 'parameter \'collection\' not found'),
  DOCUMENT_HANDLE_BAD: spec(1205, 400, 'illegal document identifier'),
  DUPLICATE_NAME: spec(1207, 409, 'duplicate name'),
  ILLEGAL_NAME: spec(1208, 400, 'illegal name'),
  INDEX_NOT_FOUND: spec(1212, 404, 'index not found'),
  COLLECTION_TYPE_INVALID: spec(1218, 400, 'collection type invalid'),
  UNIQUE_CONSTRAINT_VIOLATED: spec(1210, 409, 'unique constraint violated'),
  DOCUMENT_KEY_BAD: spec(1221, 400, 'illegal document key'),
  DOCUMENT_KEY_UNEXPECTED: spec(1222, 400, 'unexpected document key'),
  DOCUMENT_TYPE_INVALID: spec(1227, 400, 'invalid document type'),
  DATABASE_NOT_FOUND: spec(1228, 404, 'database not found'),
  DATABASE_NAME_INVALID: spec(1229, 400, 'database name invalid'),
  USE_SYSTEM_DATABASE: spec(1230, 403, 'operation only allowed in system database'),
  INVALID_EDGE_ATTRIBUTE: spec(1233, 400, 'edge attribute missing or invalid'),
  QUERY_KILLED: spec(1500, 410, 'query killed'),
  QUERY_PARSE: spec(1501, 400, 'syntax error'),
  QUERY_EMPTY: spec(1502, 400, 'query is empty'),
  QUERY_NUMBER_OUT_OF_RANGE: spec(1504, 400, 'number out of range'),
  QUERY_TOO_MUCH_NESTING: spec(1524, 400, 'too much nesting or too many objects'),
  QUERY_VARIABLE_NAME_INVALID: spec(1510, 400, 'variable name has an invalid format'),
  QUERY_VARIABLE_REDECLARED: spec(1511, 400, 'variable is assigned multiple times'),
  QUERY_VARIABLE_NAME_UNKNOWN: spec(1512, 400, 'unknown variable'),
  QUERY_FUNCTION_NAME_UNKNOWN: spec(1540, 400, 'usage of unknown function'),
  QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH: spec(1541, 400, 'invalid number of arguments for function'),
  QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH: spec(1542, 400, 'invalid argument type in call to function'),
  QUERY_INVALID_REGEX: spec(1543, 400, 'invalid regex value'),
  QUERY_INVALID_GEO_VALUE: spec(1505, 400, 'invalid geo coordinate value'),
  QUERY_GEO_INDEX_MISSING: spec(1570, 400, 'no suitable geo index found for geo restriction'),
  QUERY_FULLTEXT_INDEX_MISSING: spec(1571, 400, 'no suitable fulltext index found for fulltext query'),
  QUERY_BIND_PARAMETERS_INVALID: spec(1550, 400, 'invalid structure of bind parameters'),
  QUERY_BIND_PARAMETER_MISSING: spec(1551, 400, 'no value specified for declared bind parameter'),
  QUERY_BIND_PARAMETER_UNDECLARED: spec(1552, 400, 'bind parameter was not declared in the query'),
  QUERY_BIND_PARAMETER_TYPE: spec(1553, 400, 'bind parameter has an invalid value or type'),
  QUERY_INVALID_ARITHMETIC_VALUE: spec(1561, 400, 'invalid arithmetic value'),
  QUERY_DIVISION_BY_ZERO: spec(1562, 400, 'division by zero'),
  QUERY_ARRAY_EXPECTED: spec(1563, 400, 'array expected'),
  QUERY_COLLECTION_USED_IN_EXPRESSION: spec(1568, 400, 'collection used as expression operand'),
  QUERY_FAIL_CALLED: spec(1569, 400, 'FAIL() called'),
  QUERY_INVALID_DATE_VALUE: spec(1572, 400, 'invalid date value'),
  QUERY_MULTI_MODIFY: spec(1573, 400, 'multi-modify query'),
  QUERY_INVALID_AGGREGATE_EXPRESSION: spec(1574, 500, 'invalid aggregate expression'),
  QUERY_COMPILE_TIME_OPTIONS: spec(1575, 400, 'query options must be readable at query compile time'),
  QUERY_ACCESS_AFTER_MODIFICATION: spec(1579, 400, 'access after data-modification'),
  REPLICATION_TIMEOUT: spec(1457, 408, 'timeout waiting for replication'),
  QUERY_NOT_FOUND: spec(1591, 404, 'query ID not found'),
  CURSOR_NOT_FOUND: spec(1600, 404, 'cursor not found'),
  INVALID_USER_NAME: spec(1700, 400, 'invalid user name'),
  INVALID_PASSWORD: spec(1701, 400, 'invalid password'),
  USER_DUPLICATE: spec(1702, 409, 'duplicate user'),
  USER_NOT_FOUND: spec(1703, 404, 'user not found'),
  RESTQL_NOT_FOUND: spec(404, 404, 'saved query not found'),
  STREAM_NOT_FOUND: spec(404, 404, 'stream not found'),
  SUBSCRIPTION_NOT_FOUND: spec(404, 404, 'subscription not found'),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorName = keyof typeof ERRORS;

/** Thrown by handlers and stages; the API error handler turns it into the GDN envelope. */
export class GdnError extends Error {
  readonly errorNum: number;
  readonly status: number;
  readonly errorName: ErrorName;
  /** Extra fields merged into the envelope, e.g. the current `_rev` of a 412. */
  readonly extra: Readonly<Record<string, unknown>> | undefined;

  constructor(name: ErrorName, message?: string, extra?: Record<string, unknown>) {
    const s = ERRORS[name];
    super(message ?? s.message);
    this.name = 'GdnError';
    this.errorName = name;
    this.errorNum = s.errorNum;
    this.status = s.status;
    this.extra = extra;
  }
}

export function gdnError(name: ErrorName, message?: string, extra?: Record<string, unknown>): GdnError {
  return new GdnError(name, message, extra);
}

export function isGdnError(e: unknown): e is GdnError {
  return e instanceof GdnError;
}
