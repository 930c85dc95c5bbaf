/** Entries a cache holds before it starts again (bounds a warm Lambda's memory). */
const MAX_ENTRIES = 10_000;

/**
 * Remembers a lookup for `ttlMs` from its answer, so a busy handler does not read the same item again and
 * again. Counted from the answer, not from the start of the read: a read slower than `ttlMs` (a loaded
 * store) would otherwise arrive expired, and every later caller would read again. Callers asking while it
 * is under way share it; a failed lookup is forgotten at once, so the next call retries.
 */
export const cached = <T, A = string>(
  ttlMs: number,
  load: (arg: A) => Promise<T>,
  keyOf: (arg: A) => string = String,
  now: () => number = Date.now,
) => {
  const entries = new Map<string, { value: Promise<T>; until: number }>();
  return (arg: A): Promise<T> => {
    const id = keyOf(arg);
    const hit = entries.get(id);
    if (hit && hit.until > now()) return hit.value;
    if (entries.size >= MAX_ENTRIES) entries.clear();
    const value = load(arg);
    // Shared while under way; the TTL starts once the answer is in.
    const entry = { value, until: Infinity };
    // Only this entry: a newer load of the same id that replaced it stays.
    value.then(
      () => {
        entry.until = now() + ttlMs;
      },
      () => {
        if (entries.get(id) === entry) entries.delete(id);
      },
    );
    entries.set(id, entry);
    return value;
  };
};
