/** Entries a cache holds before it starts again (bounds a warm Lambda's memory). */
const MAX_ENTRIES = 10_000;

/**
 * Remembers a lookup for `ttlMs`, so a busy handler does not read the same item again and again. Callers
 * asking while it is under way share it; a failed lookup is forgotten at once, so the next call retries.
 */
export const cached = <T, A = string>(
  ttlMs: number,
  load: (arg: A) => Promise<T>,
  keyOf: (arg: A) => string = String,
) => {
  const entries = new Map<string, { value: Promise<T>; until: number }>();
  return (arg: A): Promise<T> => {
    const id = keyOf(arg);
    const hit = entries.get(id);
    if (hit && hit.until > Date.now()) return hit.value;
    if (entries.size >= MAX_ENTRIES) entries.clear();
    const value = load(arg);
    const entry = { value, until: Date.now() + ttlMs };
    // Only this entry: a newer load of the same id that replaced it stays.
    value.catch(() => {
      if (entries.get(id) === entry) entries.delete(id);
    });
    entries.set(id, entry);
    return value;
  };
};
