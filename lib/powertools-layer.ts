import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { LayerVersion, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { rootStackOf } from './root-stack.js';

/** The Powertools packages the handlers import; AWS's layer holds them with their dependencies (X-Ray SDK). */
export const POWERTOOLS_PACKAGES = [
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
  '@aws-lambda-powertools/tracer',
] as const;

/** Left out of every bundle: the layer provides them at `/opt/nodejs/node_modules`. */
export const POWERTOOLS_LAYER_MODULES = ['@aws-lambda-powertools/*'];

/**
 * The one Powertools version of package.json (its packages are pinned exactly and alike, see the CDK
 * test): the layer is the very code the tests ran, not whatever `latest` is on the day of a deploy.
 */
export const powertoolsVersion = (repoRoot: string): string => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const versions = new Set(POWERTOOLS_PACKAGES.map((name) => manifest.dependencies?.[name]));
  const [version] = versions;
  if (versions.size !== 1 || !version || !/^\d+\.\d+\.\d+$/.test(version))
    throw new Error(
      `package.json must pin ${POWERTOOLS_PACKAGES.join(', ')} to one exact version (found ${[...versions].join(', ')})`,
    );
  return version;
};

/** Where AWS publishes the layer's ARN per region and Powertools version. */
export const powertoolsLayerParameter = (version: string) =>
  `/aws/service/powertools/typescript/generic/all/${version}`;

/**
 * AWS's Powertools for AWS Lambda (TypeScript) layer, once per deployment: its ARN is resolved at deploy time
 * from the public SSM parameter for this region and version, so `cdk synth` stays offline. Every function
 * shares it instead of carrying about 150 KB of Powertools and the X-Ray SDK in its own bundle.
 */
const layers = new WeakMap<Stack, ILayerVersion>();

export const powertoolsLayerOf = (scope: Construct, repoRoot: string): ILayerVersion => {
  // In the root: a nested stack's functions get the resolved ARN as a plain parameter.
  const stack = rootStackOf(scope);
  let layer = layers.get(stack);
  if (!layer) {
    const arn = StringParameter.valueForStringParameter(
      stack,
      powertoolsLayerParameter(powertoolsVersion(repoRoot)),
    );
    layer = LayerVersion.fromLayerVersionArn(stack, 'PowertoolsLayer', arn);
    layers.set(stack, layer);
  }
  return layer;
};
