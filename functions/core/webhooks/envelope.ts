import * as z from 'zod';

/**
 * A partner webhook's body (contract §8): one list of 1 to `max` events under `field`, and nothing else.
 * Named `id` in the OpenAPI document.
 */
export const eventsBody = <F extends string, E extends z.ZodType>(
  id: string,
  field: F,
  event: E,
  max: number,
) => z.strictObject({ [field]: z.array(event).min(1).max(max) } as Record<F, z.ZodArray<E>>).meta({ id });
