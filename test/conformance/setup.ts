import { checkCorpus, CORPUS_DIR, graphCaseCount } from './corpus.js';

/** Fails the run with a clear message when the corpus is missing, and says what is not run. */
export default function setup(): void {
  checkCorpus();
  const graph = graphCaseCount();
  console.log(`conformance corpus: ${CORPUS_DIR}`);
  console.log(graph === null
    ? 'graph corpus: not present'
    : `graph corpus (graph/cases.jsonl, ${graph} cases): not run: graph traversal (OUTBOUND/INBOUND/ANY, shortest paths, named graphs) is not implemented yet (docs/compatibility.md)`);
}
