// Safe lookups in config records keyed by names that clients or files choose: only own keys count,
// so "constructor", "__proto__" or "toString" never find Object.prototype's members.

/** The record's own value for `key`, or undefined. */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
