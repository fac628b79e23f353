// Never answers, and blocks its thread: only stopping the thread ends it.
export async function handler() {
  for (;;);
}
