// Reading untyped JSON values (bodies a client or an upstream sent, already parsed) without casts at
// every use: the one narrowing from unknown to a plain object.

/** The value as a plain object (not null, not an array), or null. */
export function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
