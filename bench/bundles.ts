import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { allRoutes } from '#api/routes.js';
import { START_CAMPAIGN_ENTRY } from '../lib/campaign-scheduler.js';
import { MATERIALIZE_ENTRY, SWEEP_ENTRY } from '../lib/dispatch.js';
import { Charset } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BUNDLING, REPO_ROOT, RUNTIME_PROVIDED_MODULES } from '../lib/handler-function.js';
import { POWERTOOLS_PACKAGES } from '../lib/powertools-layer.js';
import { AGGREGATOR_ENTRY } from '../lib/metrics-aggregation.js';
import { CONSUMER_ENTRY } from '../lib/partner-queue.js';
import { buildWeb } from '../web/build.js';
import { QUICK, isEntryModule, record } from './results.js';

/**
 * Every Lambda function's bundle as `HandlerFunction` builds it (the same esbuild options): its minified
 * size, and its module init time in a fresh `node` process (a cold-start proxy: the import of the bundle
 * and of what it leaves to the runtime and the Powertools layer, median of 5). The layer's own share is
 * `bundles.powertools_layer.kb`: the same code, bundled alone, that every function loads from AWS's layer. Goal ≤ 300 KB for the hot path: the dispatch
 * consumer, the webhooks and the short links. Also the console's first-page JavaScript, gzipped.
 * `--quick`: the hot-path functions only, one init each.
 */
export const FIGURES = [
  'bundles.dispatch_consumer.kb',
  'bundles.dispatch_consumer.init_ms',
  'bundles.receive_delivery_reports.kb',
  'bundles.follow_short_link.kb',
  'bundles.*.kb',
  'bundles.*.init_ms',
  'bundles.hot_path_max_kb',
  'bundles.powertools_layer.kb',
  'console.first_page_js_gzip_kb',
];

/** Each function's name (its route id, or the stack's name for it) and handler module. */
const FUNCTIONS: { name: string; entry: string }[] = [
  { name: 'dispatch_consumer', entry: CONSUMER_ENTRY },
  { name: 'materialize_campaign', entry: MATERIALIZE_ENTRY },
  { name: 'sweep', entry: SWEEP_ENTRY },
  { name: 'start_campaign', entry: START_CAMPAIGN_ENTRY },
  { name: 'aggregate_metrics', entry: AGGREGATOR_ENTRY },
  ...allRoutes.map((route) => ({
    name: route.id.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
    entry: route.entry,
  })),
];

const HOT_PATH = new Set([
  'dispatch_consumer',
  'receive_delivery_reports',
  'receive_inbound',
  'follow_short_link',
]);
const HOT_PATH_GOAL_KB = 300;
const INIT_RUNS = QUICK ? 1 : 5;

/** The esbuild options `NodejsFunction` derives from `BUNDLING` (the asset is `index.mjs`). */
const bundle = (entry: string, outfile: string) =>
  build({
    entryPoints: [join(REPO_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: BUNDLING.format === 'esm' ? 'esm' : 'cjs',
    target: BUNDLING.target,
    mainFields: BUNDLING.mainFields,
    minify: BUNDLING.minify,
    charset: BUNDLING.charset === Charset.UTF8 ? 'utf8' : 'ascii',
    sourcemap: BUNDLING.sourceMap,
    banner: { js: BUNDLING.banner },
    external: BUNDLING.externalModules,
    metafile: true,
    logLevel: 'error',
  });

/** Milliseconds to import the bundle in a fresh node (its own timer, so node's start is left out). */
const initMs = (file: string): number => {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'ap-southeast-1',
      TABLE_NAME: 'bench',
      POWERTOOLS_SERVICE_NAME: 'sms-campaigns',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      PUBLIC_BASE_URL: 'https://sms.example.gov.vn',
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
      // What the stack binds (placeholders: init reads them, nothing is called).
      EVENT_BUS_NAME: 'bench',
      SCHEDULE_GROUP_NAME: 'bench',
      SCHEDULE_TARGET_ARN: 'arn:aws:lambda:ap-southeast-1:000000000000:function:bench',
      SCHEDULE_ROLE_ARN: 'arn:aws:iam::000000000000:role/bench',
      SCHEDULE_DLQ_ARN: 'arn:aws:sqs:ap-southeast-1:000000000000:bench',
      BATCH_TOPIC_ARN: 'arn:aws:sns:ap-southeast-1:000000000000:bench',
      OPT_OUT_HASH_KEY: 'bench-placeholder-key-of-32-characters',
      FILES_BUCKET: 'bench',
      FILES_KEY_ARN: 'arn:aws:kms:ap-southeast-1:000000000000:key/bench',
      PARTNER_SECRETS_KEY_ARN: 'arn:aws:kms:ap-southeast-1:000000000000:key/bench-partners',
    },
  });
  const ms = Number(run.stdout.trim().split('\n').at(-1));
  if (run.status !== 0 || !Number.isFinite(ms))
    throw new Error(`importing ${file} failed: ${run.stderr.slice(-1500)}`);
  return ms;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** The heaviest packages of a bundle (bytes of output by package), for finding what makes it big. */
const heaviest = (metafile: Metafile, count = 4) => {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs))
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name =
        /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
      bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
    }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, size]) => `${name} ${Math.round(size / 1024)}`)
    .join(', ');
};

export async function bundlesBenchmark(): Promise<void> {
  // Inside the repository, so the bundles find the AWS SDK in node_modules as the Lambda runtime provides it.
  const cache = join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, 'bench-bundles-'));
  const web = mkdtempSync(join(tmpdir(), 'bench-console-'));
  try {
    const seen = new Set<string>();
    let hotPathMaxKb = 0;
    console.log(`\nLambda bundles (minified, source maps apart; init: median of ${INIT_RUNS} fresh imports)`);
    for (const { name, entry } of FUNCTIONS) {
      if (QUICK && !HOT_PATH.has(name)) continue;
      if (seen.has(name)) continue;
      seen.add(name);
      const file = join(out, name, 'index.mjs');
      const result = await bundle(entry, file);
      const kb = statSync(file).size / 1024;
      const init = median(Array.from({ length: INIT_RUNS }, () => initMs(file)));
      if (HOT_PATH.has(name)) hotPathMaxKb = Math.max(hotPathMaxKb, kb);
      record(`bundles.${name}.kb`, Number(kb.toFixed(1)), 'KB');
      record(`bundles.${name}.init_ms`, Number(init.toFixed(1)), 'ms');
      console.log(
        `  ${name.padEnd(28)} ${kb.toFixed(0).padStart(5)} KB  init ${init.toFixed(0).padStart(4)} ms${HOT_PATH.has(name) ? `  hot path (goal ≤ ${HOT_PATH_GOAL_KB} KB)` : ''}  [KB: ${heaviest(result.metafile)}]`,
      );
    }
    record('bundles.hot_path_max_kb', Number(hotPathMaxKb.toFixed(1)), 'KB');
    const layerFile = join(out, 'powertools-layer', 'index.mjs');
    await build({
      stdin: {
        contents: POWERTOOLS_PACKAGES.map((name) => `export * from '${name}';`).join('\n'),
        resolveDir: REPO_ROOT,
      },
      outfile: layerFile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: BUNDLING.target,
      minify: true,
      external: RUNTIME_PROVIDED_MODULES,
      logLevel: 'error',
    });
    const layerKb = statSync(layerFile).size / 1024;
    record('bundles.powertools_layer.kb', Number(layerKb.toFixed(1)), 'KB');
    console.log(`  ${'(Powertools layer, shared)'.padEnd(28)} ${layerKb.toFixed(0).padStart(5)} KB`);
    const { firstPageJsGzipBytes } = await buildWeb({ outDir: web, config: null });
    record('console.first_page_js_gzip_kb', Number((firstPageJsGzipBytes / 1024).toFixed(1)), 'KB');
    console.log(`\nConsole first page: ${(firstPageJsGzipBytes / 1024).toFixed(1)} KB of JavaScript gzipped`);
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(web, { recursive: true, force: true });
  }
}

if (isEntryModule(import.meta.url)) await bundlesBenchmark();
