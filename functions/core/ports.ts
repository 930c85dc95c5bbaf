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
