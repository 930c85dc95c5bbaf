import { describe, expectTypeOf, it } from 'vitest';
import type { OptOutView } from '#core/opt-out.js';
import type { ErrorBody } from '#http/schemas.js';
import type { z } from 'zod';
import type { Answer, RouteCallOptions } from '#support/typed-api.js';

describe('typed test client (issue #14)', () => {
  it('types each answer by its status, from the route table', () => {
    expectTypeOf<Extract<Answer<'createOptOut'>, { status: 201 }>['body']>().toEqualTypeOf<
      z.output<typeof OptOutView>
    >();
    expectTypeOf<Extract<Answer<'createOptOut'>, { status: 400 }>['body']>().toEqualTypeOf<
      z.output<typeof ErrorBody>
    >();
    expectTypeOf<Answer<'createOptOut'>['status']>().toEqualTypeOf<200 | 201 | 400 | 401 | 403>();
  });

  it('types what a call sends by the route schemas', () => {
    expectTypeOf<{ json: { phone: number } }>().not.toExtend<RouteCallOptions<'createOptOut'>>();
    expectTypeOf<{ json: { phone: string } }>().toExtend<RouteCallOptions<'createOptOut'>>();
    expectTypeOf<{ as: 'admin' }>().not.toExtend<RouteCallOptions<'getOptOut'>>();
    expectTypeOf<{ params: { phone: string } }>().toExtend<RouteCallOptions<'getOptOut'>>();
  });
});

type ImportCall = RouteCallOptions<'importSubscribers'>;
type PutPartnerCall = RouteCallOptions<'putPartner'>;
type GetPartnerCall = RouteCallOptions<'getPartner'>;

describe('typed test client: the parts a route takes', () => {
  it('takes a CSV body only where the route accepts text/csv', () => {
    expectTypeOf<{ params: { audienceId: string }; csv: string }>().toExtend<ImportCall>();
    expectTypeOf<{ params: { partnerId: string }; csv: string }>().not.toExtend<PutPartnerCall>();
  });

  it('takes .xlsx bytes only where the route accepts an Excel workbook', () => {
    expectTypeOf<{ params: { audienceId: string }; xlsx: Uint8Array }>().toExtend<ImportCall>();
    expectTypeOf<{ params: { partnerId: string }; xlsx: Uint8Array }>().not.toExtend<PutPartnerCall>();
    expectTypeOf<{ params: { audienceId: string }; xlsx: string }>().not.toExtend<ImportCall>();
  });

  it('types the query by the route, and refuses one on a route that takes none', () => {
    expectTypeOf<{ query: { limit: 2 } }>().toExtend<RouteCallOptions<'listPartners'>>();
    expectTypeOf<{ query: { status: 'shipped' } }>().not.toExtend<RouteCallOptions<'listCampaigns'>>();
    expectTypeOf<{ params: { partnerId: string }; query: { limit: 2 } }>().not.toExtend<GetPartnerCall>();
  });

  it('types a report without a schema as text', () => {
    expectTypeOf<Extract<Answer<'campaignReportCsv'>, { status: 200 }>['body']>().toEqualTypeOf<string>();
  });
});
