/**
 * Counting into plain records keyed by outside text (province names, failure reasons). `record[key]`
 * would answer `Object.prototype`'s members for `constructor` or `toString`, and `record['__proto__'] = x`
 * would swap the prototype instead of storing x. These helpers touch own properties only. New counting
 * code should prefer a Map; these serve the records that are stored and served as JSON maps.
 */

/** `record[key]` if it is the record's own, else undefined. */
export const ownValue = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/** Sets `record[key]` as an own, enumerable property, `__proto__` included. */
export const setOwn = <T>(record: Record<string, T>, key: string, value: T): T => {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  return value;
};

/** The record's own entry at `key`, made (and stored) when it has none. */
export const ownEntry = <T>(record: Record<string, T>, key: string, make: () => T): T =>
  ownValue(record, key) ?? setOwn(record, key, make());
