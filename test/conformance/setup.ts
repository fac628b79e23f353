import { checkCorpus, CORPUS_DIR, graphCaseCount } from './corpus.js';
import { casesWithoutGraphs } from './graph-corpus.js';

/** Fails the run with a clear message when the corpus is missing, and says what is not run. */
export default function setup(): void {
  checkCorpus();
  const graph = graphCaseCount();
  console.log(`conformance corpus: ${CORPUS_DIR}`);
  if (graph === null) {
    console.log('graph corpus: not present');
    return;
  }
  const run = casesWithoutGraphs().length;
  console.log(`graph corpus (graph/cases.jsonl, ${graph} cases): the ${run} that need no graph (geo, fulltext, GeoJSON) run in geo.conformance.ts; `
    + `${graph - run} not run: graph traversal (OUTBOUND/INBOUND/ANY, shortest paths, named graphs) is not implemented yet (docs/compatibility.md)`);
}
