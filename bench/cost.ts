import type { Results } from './run.js';

/**
 * Public on-demand prices, US East (N. Virginia), USD, as read on 2026-12-01 (docs/cost.md lists the pages).
 * Singapore (ap-southeast-1), the nearest region to Vietnam, is up to about 25 % dearer for most of these.
 */
export const PRICES = {
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  snsPerMillionPublishes: 0.5,
  sqsPerMillionRequests: 0.4,
  httpApiPerMillionRequests: 1.0,
  xrayPerMillionTraces: 5.0,
  logsPerGbIngested: 0.5,
} as const;

/** Memory of each function as lib/ sets it (MB); the rest get HandlerFunction's 512. */
const MEMORY_MB: Record<string, number> = {
  materialize_campaign: 1769,
  sweep: 1769,
  aggregate_metrics: 1024,
};
const DEFAULT_MEMORY_MB = 512;

/** What one partner request carries in the bench (reports per signed request). */
export const REPORTS_PER_REQUEST = 1000;
/** SQS requests per batch notice: the SNS delivery (a send), the poller's receive and its delete. */
const SQS_REQUESTS_PER_NOTICE = 3;
/** CloudWatch Logs bytes per invocation: Lambda's START/END/REPORT lines and our INFO lines (estimate). */
const LOG_BYTES_PER_INVOCATION = 1000;

export interface CostLine {
  key: string;
  usd: number;
}

const figure = (figures: Results['figures'], key: string): number => {
  const value = figures[key]?.value;
  return typeof value === 'number' ? value : 0;
};

/**
 * The platform's own AWS cost of sending 1,000,000 messages with one delivery report each, from the
 * figures a bench run measured: capacity units per message and per report, Lambda invocations and handler
 * durations per message. Partners' SMS prices are not in it.
 */
export const costPerMillionMessages = (figures: Results['figures']): CostLine[] => {
  const million = 1_000_000;
  const functions = Object.keys(figures)
    .map((key) => /^lambda\.([a-z0-9_]+)\.invocations_per_message$/.exec(key)?.[1])
    .filter((name): name is string => Boolean(name));
  const invocations = functions.reduce(
    (sum, name) => sum + figure(figures, `lambda.${name}.invocations_per_message`) * million,
    0,
  );
  const gbSeconds = functions.reduce((sum, name) => {
    const count = figure(figures, `lambda.${name}.invocations_per_message`) * million;
    const seconds = figure(figures, `lambda.${name}.mean_ms`) / 1000;
    return sum + (count * seconds * (MEMORY_MB[name] ?? DEFAULT_MEMORY_MB)) / 1024;
  }, 0);
  const reportRequests = million / REPORTS_PER_REQUEST;
  const notices = figure(figures, 'lambda.dispatch_consumer.invocations_per_message') * million;
  const writeUnits =
    (figure(figures, 'dynamodb.write_units_per_message') +
      figure(figures, 'reports.write_units_per_report')) *
    million;
  const readUnits =
    (figure(figures, 'dynamodb.read_units_per_message') + figure(figures, 'reports.read_units_per_report')) *
    million;
  const lines: CostLine[] = [
    { key: 'dynamodb_writes', usd: (writeUnits / million) * PRICES.dynamodbPerMillionWriteUnits },
    { key: 'dynamodb_reads', usd: (readUnits / million) * PRICES.dynamodbPerMillionReadUnits },
    {
      key: 'lambda',
      usd:
        ((invocations + reportRequests) / million) * PRICES.lambdaPerMillionRequests +
        gbSeconds * PRICES.lambdaArmPerGbSecond,
    },
    { key: 'sns', usd: (notices / million) * PRICES.snsPerMillionPublishes },
    { key: 'sqs', usd: ((notices * SQS_REQUESTS_PER_NOTICE) / million) * PRICES.sqsPerMillionRequests },
    { key: 'api_gateway', usd: (reportRequests / million) * PRICES.httpApiPerMillionRequests },
    { key: 'xray', usd: ((invocations + reportRequests) / million) * PRICES.xrayPerMillionTraces },
    {
      key: 'cloudwatch_logs',
      usd:
        (((invocations + reportRequests) * LOG_BYTES_PER_INVOCATION) / 1024 ** 3) * PRICES.logsPerGbIngested,
    },
  ];
  return [...lines, { key: 'total', usd: lines.reduce((sum, line) => sum + line.usd, 0) }];
};
