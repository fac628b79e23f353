import { isGdnError } from '../../src/core/errors.js';
import { executeQuery } from '../../src/query/index.js';
import { MemorySource } from '../query/memory-source.js';
import { defineCorpusTests } from './define.js';
import type { Run } from './judge.js';

defineCorpusTests('C8QL conformance (engine)', (c): Run => {
  try {
    const res = executeQuery(c.query, c.bindVars, new MemorySource());
    return { result: res.result, warnings: res.warnings.map((w) => w.code) };
  } catch (e) {
    if (!isGdnError(e)) return { errorNum: -1, message: `non-GdnError thrown: ${String(e)}` };
    return { errorNum: e.errorNum, message: e.message };
  }
});
