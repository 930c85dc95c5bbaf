import { Duration } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '#adapters/events.js';

/** The bus of a stage: `sms-campaigns-dev`, `sms-campaigns-prod` (the events' source stays `sms-campaigns`). */
export const eventBusNameOf = (stage: string): string => `sms-campaigns-${stage}`;
export const EVENT_ARCHIVE_RETENTION = Duration.days(90);

/**
 * The bus of campaign lifecycle events (`campaign.created|submitted|approved|rejected|paused|resumed|
 * cancelled|started|completed`, source `sms-campaigns`). Other systems subscribe to it by name.
 */
export class CampaignEvents extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: { readonly stage: string }) {
    super(scope, id);

    this.bus = new EventBus(this, 'Bus', {
      eventBusName: eventBusNameOf(props.stage),
      description: 'Campaign lifecycle events',
    });
    // A subscriber added later, or one that was broken, can replay what it missed.
    this.bus.archive('Archive', {
      description: 'Campaign lifecycle events, for replay',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: EVENT_ARCHIVE_RETENTION,
    });
  }
}
