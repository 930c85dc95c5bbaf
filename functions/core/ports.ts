/** Small interfaces for what AWS provides besides storage: the event bus and the one-time scheduler. */

export interface DomainEvent {
  /** e.g. `campaign.approved`; the EventBridge detail-type. */
  type: string;
  at: string;
  detail: Record<string, unknown>;
}

export interface EventPublisher {
  publish(event: DomainEvent): Promise<void>;
}

/** Starts a campaign at a given moment; one schedule per campaign, replaced when set again. */
export interface CampaignScheduler {
  schedule(campaignId: string, at: Date, timeZone: string): Promise<void>;
  cancel(campaignId: string): Promise<void>;
}

/**
 * Envelope encryption of a small secret (a partner's signing secret): `seal` gives an opaque string to store,
 * `open` gives the secret back, and only under the same `context` (a sealed value copied to another
 * partner's item does not open there). AWS: KMS; the local runtime: AES-256-GCM under a stand-in key.
 */
export interface SecretSealer {
  seal(plain: string, context: Readonly<Record<string, string>>): Promise<string>;
  open(sealed: string, context: Readonly<Record<string, string>>): Promise<string>;
}
