import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { routes } from '#api/routes.js';
import {
  IMPORT_JOB_ACTIONS,
  IMPORT_JOB_ENTRY,
  IMPORT_JOB_RETRIES,
  IMPORT_JOB_TIMEOUT,
} from '#lib/import-jobs.js';
import { SmsCampaignStack } from '#lib/sms-campaign-stack.js';
import {
  actionsOf,
  deploymentTemplateOf,
  expectErrorsAlarm,
  expectQueueAlarm,
  getAtt,
  logicalIdOf,
  resourceListOf,
  resourcesOf,
  statementsOfRole,
  type IamPolicy,
  type LambdaFunction,
} from './template.js';

// The wiring does not depend on the bundled code, so this synthesis skips bundling (stack.test.ts bundles).
const stack = new SmsCampaignStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Imports');
const template = deploymentTemplateOf(stack);
const job = stack.importJobs.job;
const jobId = logicalIdOf(job);
const jobRole = logicalIdOf(job.ownRole);
const dlqId = logicalIdOf(stack.importJobs.deadLetterQueue);

const functionNamed = (description: string) => {
  const found = Object.entries(resourcesOf<LambdaFunction>(template, 'AWS::Lambda::Function')).find(
    ([, fn]) => fn.Properties.Description?.startsWith(description),
  );
  if (!found) throw new Error(`no function ${description}`);
  return found;
};

describe('the import-job Lambda (issue #17)', () => {
  it('runs for 15 minutes, retried twice by Lambda, then parked in its dead-letter queue', () => {
    expect(IMPORT_JOB_ENTRY).toBe('functions/jobs/import-subscribers.ts');
    const [, fn] = functionNamed('importSubscribersJob');
    expect(fn.Properties.Timeout).toBe(IMPORT_JOB_TIMEOUT.toSeconds());
    expect(fn.Properties.Timeout).toBe(900);
    expect(fn.Properties.DeadLetterConfig?.TargetArn).toEqual(getAtt(dlqId));
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: jobId },
      MaximumRetryAttempts: IMPORT_JOB_RETRIES,
    });
  });

  it('alarms on its dead letters and on its errors', () => {
    expectQueueAlarm(template, dlqId);
    expectErrorsAlarm(template, jobId);
  });

  it('is granted its table actions on the table alone, and reads only the uploads', () => {
    const statements = statementsOfRole(template, jobRole);
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap(actionsOf).sort()).toEqual([...IMPORT_JOB_ACTIONS].sort());
    for (const statement of dynamo) expect(resourceListOf(statement)).toHaveLength(1);
    const s3 = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(s3.flatMap(actionsOf)).toEqual(['s3:GetObject']);
    expect(JSON.stringify(s3.flatMap(resourceListOf))).toContain('/imports/*');
    expect(statements.flatMap(actionsOf)).not.toContain('lambda:InvokeFunction');
  });

  it('is invoked by the import route’s function alone, told its name', () => {
    const invokers = Object.values(resourcesOf<IamPolicy>(template, 'AWS::IAM::Policy')).filter((policy) =>
      policy.Properties.PolicyDocument.Statement.some(
        (s) => actionsOf(s).includes('lambda:InvokeFunction') && JSON.stringify(s.Resource).includes(jobId),
      ),
    );
    expect(invokers).toHaveLength(1);
    const [importRouteId, importRoute] = functionNamed(`${routes.importSubscribers.id}:`);
    expect(importRoute.Properties.Environment.Variables.IMPORT_JOB_FUNCTION).toEqual({ Ref: jobId });
    const roleOfRoute = importRoute.Properties.Role['Fn::GetAtt'][0];
    expect(invokers[0]?.Properties.Roles).toEqual([{ Ref: roleOfRoute }]);
    const invoke = invokers[0]?.Properties.PolicyDocument.Statement.find((s) =>
      actionsOf(s).includes('lambda:InvokeFunction'),
    );
    expect(JSON.stringify(invoke?.Resource)).toContain(jobId);
    expect(importRouteId).not.toBe(jobId);
  });
});
