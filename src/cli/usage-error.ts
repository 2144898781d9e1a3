// Usage errors (a bad, missing or unknown option or argument) exit with 2, runtime errors with 1,
// by the usual convention. Commands throw UsageError; node:util parseArgs errors count as usage errors too.

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** True for a UsageError and for the errors node:util parseArgs throws (codes ERR_PARSE_ARGS_*). */
export function isUsageError(error: unknown): boolean {
  if (error instanceof UsageError) return true;
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_');
}
