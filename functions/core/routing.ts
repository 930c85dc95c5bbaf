import type { Carrier } from './carriers.js';
import type { PartnerView } from './partner.js';

/**
 * Contract §3: a recipient goes to an enabled partner that lists its carrier, else to one that lists "*";
 * a campaign may restrict the choice to its own `partnerIds`. Returns the partners in failover order.
 */
export const partnersFor = (
  carrier: Carrier,
  partners: readonly PartnerView[],
  allowed?: readonly string[],
): PartnerView[] => {
  const usable = partners.filter((p) => p.enabled && (!allowed || allowed.includes(p.id)));
  return [
    ...usable.filter((p) => p.carriers.includes(carrier)),
    ...usable.filter((p) => p.carriers.includes('*') && !p.carriers.includes(carrier)),
  ];
};

export type RoutingTable = Map<Carrier, PartnerView[]>;

export const routingTable = (
  carriers: readonly Carrier[],
  partners: readonly PartnerView[],
  allowed?: readonly string[],
): RoutingTable => new Map(carriers.map((carrier) => [carrier, partnersFor(carrier, partners, allowed)]));
