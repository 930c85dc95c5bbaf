import * as z from 'zod';
import { PROVINCES } from './provinces.js';

/** `GET /v1/provinces` (docs/provinces.md). The registry is code, so the answer never changes at run time. */
export const ProvinceView = z
  .object({
    code: z.string().meta({ description: 'Decision 19/2025/QĐ-TTg', example: '19' }),
    name: z.string().meta({ description: 'The name imports store and metrics show', example: 'Thái Nguyên' }),
    formerNames: z.array(z.string()).meta({
      description:
        'The provinces of before 1 July 2025 it is made of (its own former self included); all 63 appear once',
      example: ['Thái Nguyên', 'Bắc Kạn'],
    }),
  })
  .meta({ id: 'Province' });

export const ProvinceList = z.object({ items: z.array(ProvinceView) }).meta({ id: 'ProvinceList' });
export type ProvinceList = z.infer<typeof ProvinceList>;

export const provinceList = (): ProvinceList => ({
  items: PROVINCES.map(({ code, name, formerNames }) => ({ code, name, formerNames: [...formerNames] })),
});
