import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DispatchMetric } from '../core/dispatch/dispatcher.js';
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
