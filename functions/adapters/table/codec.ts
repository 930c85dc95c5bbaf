import * as z from 'zod';

/** The language variant and A/B treatment of the campaign message a reply or a click follows (metrics). */
export const StoredMessageTags = { lang: z.string().optional(), treatment: z.string().optional() };

/** An item as the document client reads and writes it. */
export type Item = Record<string, unknown>;

/**
 * An item the table holds that its entity's codec cannot read: written by hand, or by a version of the code
 * that stored another shape. A defect to look at, never the caller's fault (so not an AppError).
 */
export class StoredItemError extends Error {
  readonly code = 'stored_item_invalid';
  constructor(
    readonly entity: string,
    readonly key: { pk?: unknown; sk?: unknown },
    readonly reason: string,
  ) {
    super(`Stored ${entity} ${String(key.pk)} / ${String(key.sk)} does not parse: ${reason}`);
    this.name = 'StoredItemError';
  }
}

/**
 * One entity's mapping between its domain value and its stored item. `fromItem` parses with the entity's
 * schema: a zod object drops the attributes it does not name (the keys, `entity`, index keys, leases).
 */
export interface Codec<Domain, Stored extends Item = Item> {
  readonly entity: string;
  toItem(value: Domain): Stored;
  fromItem(item: Item): Domain;
}

/** The domain value of `item`, parsed by `schema`, or a StoredItemError naming the entity and the field. */
export const parseItem = <S extends z.ZodType>(entity: string, schema: S, item: Item): z.output<S> => {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  throw new StoredItemError(entity, { pk: item.pk, sk: item.sk }, z.prettifyError(parsed.error));
};

/**
 * The codec of an entity stored as its domain value with its keys beside it: `toItem` adds the keys
 * `keysOf` names (the primary key and any index keys) and the entity name; `fromItem` parses with `schema`.
 */
export const entityCodec = <Domain extends object>(
  entity: string,
  schema: z.ZodType<Domain>,
  keysOf: (value: Domain) => Item,
) =>
  ({
    entity,
    toItem: (value: Domain): Item => ({ ...value, ...keysOf(value), entity }),
    fromItem: (item: Item): Domain => parseItem(entity, schema, item),
  }) as const;

/**
 * The object without its undefined properties: optional fields stay absent, as the stores wrote them. A
 * loop, not `Object.fromEntries(Object.entries(...).filter(...))`: it runs for every message of every batch
 * read or written, and that took 6 µs a message (the dispatch bench's profile), this takes 1.
 */
export const defined = <T extends object>(value: T): T => {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field: unknown = (value as Record<string, unknown>)[key];
    if (field === undefined) continue;
    // An own `__proto__` stays a property, as Object.fromEntries made it (an assignment would set the prototype).
    if (key === '__proto__')
      Object.defineProperty(copy, key, {
        value: field,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copy[key] = field;
  }
  return copy as T;
};

/** The entity name an item says it is (undefined for items written without one, e.g. by an `ADD`). */
export const entityOf = (item: Item | undefined): string | undefined =>
  typeof item?.entity === 'string' ? item.entity : undefined;
