import type { Partner, PartnerView } from '#core/partner.js';

/** An enabled webhook partner of `carriers` (Viettel unless said), free, 100 TPS, created on 1 January 2027. */
export const partnerView = (
  id: string,
  carriers: PartnerView['carriers'] = ['viettel'],
  extra: Partial<PartnerView> = {},
): PartnerView => ({
  id,
  name: id,
  kind: 'webhook',
  webhookUrl: `https://${id}.example/sms`,
  carriers,
  tps: 100,
  maxBatchSize: 100,
  senderId: 'BOCONGAN',
  pricePerSegment: 0,
  currency: 'VND',
  enabled: true,
  createdAt: '2027-01-01T00:00:00.000Z',
  updatedAt: '2027-01-01T00:00:00.000Z',
  secretRotatedAt: '2027-01-01T00:00:00.000Z',
  ...extra,
});

/** The same partner as stored, with one signing secret. */
export const storedPartner = (id: string, extra: Partial<Partner> = {}): Partner => ({
  ...partnerView(id),
  secrets: [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
  ...extra,
});
