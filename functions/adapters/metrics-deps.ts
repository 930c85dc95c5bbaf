import type { AggregationDeps } from '#core/metrics/aggregate.js';
import type { MetricsReader } from '#core/metrics/service.js';
import { dynamoDocumentClient } from './clients.js';
import { readConfig, type Config } from './config.js';
import { dynamoAggregationStore, dynamoMetricsReader } from './metrics-store.js';

/** The metrics area's composition root: the stream aggregator writes the counters, the API reads them. */
export const aggregationDeps = (config: Config = readConfig()): AggregationDeps => ({
  store: dynamoAggregationStore(dynamoDocumentClient(), config.TABLE_NAME),
  now: () => new Date(),
  sleep: (ms) => new Promise<void>((done) => setTimeout(done, ms)),
  random: Math.random,
});

export const metricsDeps = (config: Config = readConfig()): { reader: MetricsReader } => ({
  reader: dynamoMetricsReader(dynamoDocumentClient(), config.TABLE_NAME),
});
