import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DispatchMetric } from '../core/dispatch/dispatcher.js';
import type { WebhookMetric } from '../core/webhooks/service.js';
import { logger } from './logger.js';

const metrics = new Metrics({
  namespace: 'SmsCampaigns',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sms-campaigns',
});

/**
 * Dispatch counts as CloudWatch metrics (Powertools EMF, one document per observation, by partner).
 * Locally there is no CloudWatch: the counts go to the debug log instead of flooding stdout.
 */
export const observeDispatch =
  (local: boolean) => (metric: DispatchMetric, partnerId: string, count: number) => {
    if (local) {
      logger.debug('metric', { metric, partnerId, count });
      return;
    }
    const single = metrics.singleMetric();
    single.addDimension('partnerId', partnerId);
    single.addMetric(metric, MetricUnit.Count, count);
  };

export type WebhookObservation = WebhookMetric | 'WebhookSignatureFailures';

/**
 * Partner webhook counts (namespace SmsCampaigns, dimension partnerId; `DeliveryReports` also by the
 * reported `status`, which the dashboard's delivery rate per partner reads): `DeliveryReports` and
 * `WebhookSignatureFailures` feed the dashboard and the 401-spike alarm.
 */
export const observeWebhook =
  (local: boolean) => (metric: WebhookObservation, partnerId: string, count: number, status?: string) => {
    if (count <= 0) return;
    if (local) {
      logger.debug('metric', { metric, partnerId, count, status });
      return;
    }
    const single = metrics.singleMetric();
    single.addDimension('partnerId', partnerId);
    if (status) single.addDimension('status', status);
    single.addMetric(metric, MetricUnit.Count, count);
  };
