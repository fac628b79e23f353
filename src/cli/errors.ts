/** Bad usage found by a command itself (not by commander's parser): printed, exit code 2. */
export class UsageError extends Error {}
