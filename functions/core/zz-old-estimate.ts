import type { AudienceMember } from './audience.js';
import { CARRIERS, type Carrier } from './carriers.js';
import type { CampaignEstimate } from './campaign.js';
import type { PartnerView } from './partner.js';
import { routingTable } from './routing.js';
import { estimateMessage } from './sms-encoding.js';
import { audienceFilter, type AudienceFilters } from './audience-filters.js';
import { canonicalProvinceName } from './provinces.js';

export interface EstimateInput {
  message: string;
  filters?: AudienceFilters | undefined;
  partnerIds?: readonly string[] | undefined;
  shortLinkLength: number;
}

/**
 * Counts a campaign's audience the way it will be sent (contract §6): each phone once however many
 * audiences hold it, the filters applied (`audienceFilter`, as at send time), opted-out phones suppressed, phones whose carrier no
 * partner serves unroutable; cost at the price of the partner that would carry each message.
 */
export const estimateCampaign = async (
  input: EstimateInput,
  memberChunks: AsyncIterable<AudienceMember[]>,
  optedOut: ReadonlySet<string>,
  partners: readonly PartnerView[],
  now: Date,
): Promise<CampaignEstimate> => {
  const targeted = audienceFilter(input.filters);
  const routes = routingTable(CARRIERS, partners, input.partnerIds);
  const seen = new Set<string>();
  const byCarrier: Partial<Record<Carrier, number>> = {};
  const byProvince: Record<string, number> = {};
  let suppressed = 0;
  let unroutable = 0;

  for await (const chunk of memberChunks) {
    for (const member of chunk) {
      if (seen.has(member.phone)) continue;
      if (!targeted(member)) continue;
      seen.add(member.phone);
      if (optedOut.has(member.phone)) suppressed++;
      else if (!routes.get(member.carrier)?.length) unroutable++;
      else {
        byCarrier[member.carrier] = (byCarrier[member.carrier] ?? 0) + 1;
        // Members imported before the province registry may hold a former name: counted under its successor.
        if (member.province !== undefined) {
          const province = canonicalProvinceName(member.province);
          byProvince[province] = (byProvince[province] ?? 0) + 1;
        }
      }
    }
  }

  const message = estimateMessage(input.message, { shortLinkLength: input.shortLinkLength });
  const sendable = seen.size - suppressed - unroutable;
  let cost = 0;
  let currency: string | undefined;
  for (const [carrier, count] of Object.entries(byCarrier) as [Carrier, number][]) {
    const partner = routes.get(carrier)?.[0];
    cost += count * message.segments * (partner?.pricePerSegment ?? 0);
    currency ??= partner?.currency;
  }

  return {
    recipients: seen.size,
    suppressed,
    unroutable,
    sendable,
    byCarrier,
    byProvince,
    encoding: message.encoding,
    segmentsPerMessage: message.segments,
    totalSegments: sendable * message.segments,
    cost: Math.round(cost * 100) / 100,
    currency: currency ?? 'VND',
    nonGsmCharacters: message.nonGsmCharacters,
    estimatedAt: now.toISOString(),
  };
};
