import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DispatchMetric } from '#core/dispatch/dispatcher.js';
import type { WebhookMetric } from '#core/webhooks/service.js';
import { logger } from './logger.js';
import { readObservabilityConfig } from './config.js';

/** Where our Lambdas publish their counts; the dashboard (lib/dashboard.ts) reads the same names. */
export const METRICS_NAMESPACE = 'SmsCampaigns';
/** Metric names of the dispatcher and of the webhooks that the dashboard and alarms read. */
export const SENT_METRIC = 'MessagesHandedOver' satisfies DispatchMetric;
export const THROTTLES_METRIC = 'Throttles' satisfies DispatchMetric;
export const FAILOVERS_METRIC = 'Failovers' satisfies DispatchMetric;
export const DELIVERY_REPORTS_METRIC = 'DeliveryReports' satisfies WebhookMetric;
export const SIGNATURE_FAILURES_METRIC = 'WebhookSignatureFailures';

/**
 * Every metric carries these dimensions: Powertools adds `service` (the default dimension, inherited by
 * `singleMetric()`), we add `partnerId`, and `DeliveryReports` also `status`. CloudWatch matches
 * dimensions exactly, so whoever reads a metric must name all of them.
 */
export const SERVICE_DIMENSION = 'service';
export const PARTNER_DIMENSION = 'partnerId';
export const STATUS_DIMENSION = 'status';

const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: readObservabilityConfig().POWERTOOLS_SERVICE_NAME,
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
    single.addDimension(PARTNER_DIMENSION, partnerId);
    single.addMetric(metric, MetricUnit.Count, count);
  };

export type WebhookObservation = WebhookMetric | typeof SIGNATURE_FAILURES_METRIC;

/**
 * Partner webhook counts (namespace SmsCampaigns, dimensions service and partnerId; `DeliveryReports`
 * also by the reported `status`, which the dashboard's delivery rate per partner reads):
 * `DeliveryReports` and `WebhookSignatureFailures` feed the dashboard and the 401-spike alarm.
 */
export const observeWebhook =
  (local: boolean) => (metric: WebhookObservation, partnerId: string, count: number, status?: string) => {
    if (count <= 0) return;
    if (local) {
      logger.debug('metric', { metric, partnerId, count, status });
      return;
    }
    const single = metrics.singleMetric();
    single.addDimension(PARTNER_DIMENSION, partnerId);
    if (status) single.addDimension(STATUS_DIMENSION, status);
    single.addMetric(metric, MetricUnit.Count, count);
  };
