import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { RouteDef } from '../functions/http/route.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const SERVICE_NAME = 'sms-campaigns';

export type TableAccess = Exclude<RouteDef['table'], 'none'>;

export interface ApiFunctionProps extends Pick<
  NodejsFunctionProps,
  'memorySize' | 'timeout' | 'environment' | 'description'
> {
  /** Handler module relative to the repository root (as `RouteDef.entry`); it exports `handler`. */
  readonly entry: string;
}

/** A Lambda function built from one of our TypeScript handlers, with the project's defaults in one place. */
export class ApiFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id, {
      entry: join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      description: props.description,
      logGroup: new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH }),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        ...props.environment,
      },
      bundling: {
        // Synth must work offline and on machines without Docker.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        sourceMap: true,
        minify: true,
        // Bundled CommonJS dependencies call `require`, which an ES module does not have.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });
  }

  /** Tells the handler which table to use and grants exactly the access its route declares. */
  bindTable(table: ITable, access: TableAccess): void {
    this.addEnvironment('TABLE_NAME', table.tableName);
    if (access === 'write') table.grantReadWriteData(this);
    else table.grantReadData(this);
  }
}
