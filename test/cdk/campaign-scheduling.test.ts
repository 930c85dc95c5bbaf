import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE } from '#adapters/events.js';
import { allRoutes } from '#api/routes.js';
import { EVENT_ARCHIVE_RETENTION, eventBusNameOf } from '#lib/campaign-events.js';
import { scheduleGroupNameOf } from '#lib/campaign-scheduler.js';
import { SmsCampaignStack } from '#lib/sms-campaign-stack.js';
import {
  actionsOf,
  functionOf,
  getAtt,
  logicalIdOf,
  resourceListOf,
  resourcesOf,
  statementsOfFunction,
  statementsOfRole,
  type IamPolicy,
  type IamRole,
  type LambdaFunction,
  type Statement,
  expectErrorsAlarm,
  expectQueueAlarm,
  deploymentTemplateOf,
} from './template.js';

// Permissions and wiring do not depend on the bundled code, so this synthesis skips bundling.
const stack = new SmsCampaignStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Scheduling');
const template = deploymentTemplateOf(stack);

const busId = logicalIdOf(stack.events.bus);
const startFunctionId = logicalIdOf(stack.scheduler.targetFunction);
const schedulerRoleId = logicalIdOf(stack.scheduler.role);
const deadLetterQueueId = logicalIdOf(stack.scheduler.deadLetterQueue);

const startFunction = (): LambdaFunction => {
  const lambda = resourcesOf<LambdaFunction>(template, 'AWS::Lambda::Function')[startFunctionId];
  if (!lambda) throw new Error('no start-campaign function');
  return lambda;
};

const SCHEDULE_ACTIONS = ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'];
const SCHEDULE_ENV = ['SCHEDULE_GROUP_NAME', 'SCHEDULE_TARGET_ARN', 'SCHEDULE_ROLE_ARN', 'SCHEDULE_DLQ_ARN'];

const withActions = (statements: Statement[], matches: (action: string) => boolean) =>
  statements.filter((statement) => actionsOf(statement).some(matches));
const isScheduleAction = (action: string) => action.startsWith('scheduler:');
const isPassRole = (action: string) => action === 'iam:PassRole';
const isPutEvents = (action: string) => action === 'events:PutEvents';

const usesOf = (uses: 'events' | 'scheduler') => ({
  using: allRoutes.filter((route) => route.uses?.includes(uses)),
  notUsing: allRoutes.filter((route) => !route.uses?.includes(uses)),
});
const events = usesOf('events');
const scheduler = usesOf('scheduler');

/** Every schedule of the group, and nothing else. */
const SCHEDULES_IN_GROUP = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':scheduler:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:schedule/${scheduleGroupNameOf('dev')}/*`,
    ],
  ],
};

describe('campaign lifecycle events', () => {
  it('go to their own bus, named for subscribers', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: eventBusNameOf('dev') });
  });

  it('are archived for replay', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: getAtt(busId),
      EventPattern: { source: [EVENT_SOURCE] },
      RetentionDays: EVENT_ARCHIVE_RETENTION.toDays(),
    });
  });

  it('are declared by some routes and not by others, so the checks below check something', () => {
    expect(events.using.length).toBeGreaterThan(0);
    expect(events.notUsing.length).toBeGreaterThan(0);
  });

  for (const route of events.using) {
    it(`${route.id} may publish to the bus, and only to it`, () => {
      const lambda = functionOf(template, route);
      const putEvents = withActions(statementsOfFunction(template, lambda), isPutEvents);
      expect(putEvents.flatMap(resourceListOf)).toEqual([getAtt(busId)]);
      expect(lambda.Properties.Environment.Variables.EVENT_BUS_NAME).toEqual({ Ref: busId });
    });
  }

  for (const route of events.notUsing) {
    it(`${route.id} cannot publish events`, () => {
      const lambda = functionOf(template, route);
      expect(withActions(statementsOfFunction(template, lambda), isPutEvents)).toEqual([]);
      expect(lambda.Properties.Environment.Variables).not.toHaveProperty('EVENT_BUS_NAME');
    });
  }

  it('are never granted on every bus', () => {
    const statements = Object.values(resourcesOf<IamPolicy>(template, 'AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );
    for (const statement of withActions(statements, (action) => action.startsWith('events:'))) {
      expect(resourceListOf(statement)).not.toContain('*');
    }
  });
});

describe('campaign schedules', () => {
  it('live in their own schedule group', () => {
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: scheduleGroupNameOf('dev') });
  });

  it('are declared by some routes and not by others, so the checks below check something', () => {
    expect(scheduler.using.length).toBeGreaterThan(0);
    expect(scheduler.notUsing.length).toBeGreaterThan(0);
  });

  for (const route of scheduler.using) {
    it(`${route.id} may create, update and delete schedules in the group only`, () => {
      const statements = withActions(
        statementsOfFunction(template, functionOf(template, route)),
        isScheduleAction,
      );
      expect(new Set(statements.flatMap(actionsOf))).toEqual(new Set(SCHEDULE_ACTIONS));
      for (const statement of statements) {
        expect(resourceListOf(statement)).toEqual([SCHEDULES_IN_GROUP]);
      }
    });

    it(`${route.id} may pass the scheduler role, and no other`, () => {
      const passRole = withActions(statementsOfFunction(template, functionOf(template, route)), isPassRole);
      expect(passRole.flatMap(actionsOf)).toEqual(['iam:PassRole']);
      expect(passRole.flatMap(resourceListOf)).toEqual([getAtt(schedulerRoleId)]);
    });

    it(`${route.id} knows the group, the target, the role and the dead-letter queue`, () => {
      expect(functionOf(template, route).Properties.Environment.Variables).toMatchObject({
        SCHEDULE_GROUP_NAME: scheduleGroupNameOf('dev'),
        SCHEDULE_TARGET_ARN: getAtt(startFunctionId),
        SCHEDULE_ROLE_ARN: getAtt(schedulerRoleId),
        SCHEDULE_DLQ_ARN: getAtt(deadLetterQueueId),
      });
    });
  }

  for (const route of scheduler.notUsing) {
    it(`${route.id} can neither schedule nor pass a role`, () => {
      const lambda = functionOf(template, route);
      const statements = statementsOfFunction(template, lambda);
      expect(withActions(statements, (action) => isScheduleAction(action) || isPassRole(action))).toEqual([]);
      for (const name of SCHEDULE_ENV)
        expect(lambda.Properties.Environment.Variables).not.toHaveProperty(name);
    });
  }
});

describe('the scheduler role', () => {
  it('can be assumed by EventBridge Scheduler of this account only', () => {
    const role = resourcesOf<IamRole>(template, 'AWS::IAM::Role')[schedulerRoleId];
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('may invoke the start function and send to the dead-letter queue, nothing else', () => {
    const statements = statementsOfRole(template, schedulerRoleId);
    const startFunctionArn = getAtt(startFunctionId);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        // The function itself: not its versions and aliases (`<arn>:*`).
        Resource: startFunctionArn,
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: getAtt(deadLetterQueueId) },
    ]);
  });
});

describe('the start-campaign function', () => {
  it('writes the table and publishes to the bus', () => {
    const statements = statementsOfFunction(template, startFunction());
    const actions = statements.flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'events:PutEvents']),
    );
    expect(withActions(statements, isPutEvents).flatMap(resourceListOf)).toEqual([getAtt(busId)]);
    expect(startFunction().Properties.Environment.Variables).toMatchObject({
      TABLE_NAME: expect.anything(),
      EVENT_BUS_NAME: { Ref: busId },
      PUBLIC_BASE_URL: stack.resolve(stack.console.url),
    });
  });

  it('cannot schedule anything itself', () => {
    const statements = statementsOfFunction(template, startFunction());
    expect(withActions(statements, (action) => isScheduleAction(action) || isPassRole(action))).toEqual([]);
  });

  it('sends the events it failed on to the dead-letter queue', () => {
    expect(startFunction().Properties.DeadLetterConfig).toEqual({ TargetArn: getAtt(deadLetterQueueId) });
  });
});

describe('failed starts', () => {
  it('raise an alarm as soon as the dead-letter queue holds a message', () => {
    expectQueueAlarm(template, deadLetterQueueId);
  });

  it('raise an alarm when the start function fails', () => {
    expectErrorsAlarm(template, startFunctionId);
  });
});
