/**
 * What an erased message's `to` becomes: the batch keeps its counts, the number is gone (subscriber-data.ts).
 * Here, with no schema beside it, so the delivery reports compare with it without importing phone parsing.
 */
export const ERASED_PHONE = 'erased';

const SHOWN_AT_START = '+84'.length + 2;
const SHOWN_AT_END = 3;

/** `+84981234321` → `+8498****321`: country code and two digits, then the last three. */
export function maskPhone(e164: string): string {
  const hidden = e164.length - SHOWN_AT_START - SHOWN_AT_END;
  if (hidden <= 0) return '*'.repeat(e164.length);
  return `${e164.slice(0, SHOWN_AT_START)}${'*'.repeat(hidden)}${e164.slice(-SHOWN_AT_END)}`;
}
