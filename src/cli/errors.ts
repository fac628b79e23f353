/** Bad usage found by a command itself (not by commander's parser): printed, exit code 2. */
export class UsageError extends Error {}

/** A start that failed for a reason outside the command line (a port taken, a data dir in use): printed, exit code 1. */
export class StartError extends Error {}
