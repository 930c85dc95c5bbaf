import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

export type LambdaHandler<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/**
 * Powertools scopes its per-invocation state (the Logger's keys and Lambda context, Metrics) to the Lambda
 * `InvokeStore` when this variable is set, as Lambda Managed Instances do: one process running several
 * invocations at once. The local runtime is such a process, so every invocation keeps its own log keys.
 */
const CONCURRENCY_VARIABLE = 'AWS_LAMBDA_MAX_CONCURRENCY';

/** An `InvokeStore` made before the variable was set keeps one context for everyone: refuse to run on it. */
export class SharedInvocationStateError extends Error {
  readonly code = 'shared_invocation_state';
  constructor() {
    super(
      `The Lambda InvokeStore is not scoped per invocation: it was created before ${CONCURRENCY_VARIABLE} ` +
        'was set (an AWS SDK call ran before the local runtime was loaded)',
    );
    this.name = 'SharedInvocationStateError';
  }
}

const keepsInvocationsApart = async (store: InvokeStoreBase): Promise<boolean> => {
  const seen = await Promise.all(
    ['first', 'second'].map((requestId) =>
      store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: requestId }, async () => {
        await nextTurn();
        return store.getRequestId() === requestId;
      }),
    ),
  );
  return seen.every(Boolean);
};

process.env[CONCURRENCY_VARIABLE] ??= '64';
// Made once, when the local runtime is loaded: before any AWS SDK call would make a store of its own.
const invocations = await InvokeStore.getInstanceAsync(true);
if (!(await keepsInvocationsApart(invocations))) throw new SharedInvocationStateError();

/** Which function an invocation runs, kept in its invocation context beside its request id. */
const FUNCTION_NAME = Symbol('localFunctionName');

/**
 * The function whose invocation the caller runs in (what `invokeLocally` was given), `undefined` outside
 * any: what the route-access test tags each DynamoDB call with (test/support/table-access.ts).
 */
export const invokedFunctionName = (): string | undefined => invocations.get<string>(FUNCTION_NAME);

/**
 * A streamed answer read within the invocation that made it, however late the reader comes (the local
 * server writes it out after the handler returned): as in Lambda, where the chunks are joined before the
 * invocation ends, what the stream's producer calls belongs to that invocation. The invocation is the
 * caller's when this is called (a generator's body would only run at the first read, outside it).
 */
export const readWithinInvocation = <T>(stream: AsyncIterable<T>): AsyncIterable<T> => {
  const context = invocations.getContext();
  const within = <R>(step: () => Promise<R>): Promise<R> =>
    context ? invocations.run(context, step) : step();
  return (async function* () {
    const iterator = stream[Symbol.asyncIterator]();
    let done = false;
    try {
      for (;;) {
        const next = await within(() => iterator.next());
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      // A reader that stops early (the client went away) ends the producer too, as `for await` would.
      if (!done) await within(async () => iterator.return?.());
    }
  })();
};

/** A local invocation's deadline unless its function's own timeout is given (API Gateway waits 29 s). */
export const DEFAULT_LOCAL_TIMEOUT_MS = 30_000;

/** The Lambda context of one invocation of `functionName`, as Lambda hands it to the handler. */
export const lambdaContext = (
  functionName: string,
  awsRequestId: string = randomUUID(),
  timeoutMs: number = DEFAULT_LOCAL_TIMEOUT_MS,
): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/** One finished invocation: which function, how long its handler ran, whether it threw. */
export interface Invocation {
  functionName: string;
  ms: number;
  failed: boolean;
}

let invocationWatcher: ((invocation: Invocation) => void) | undefined;

/** Sees every invocation as it ends (the benchmarks' Lambda cost inputs); `undefined` stops watching. */
export const watchInvocations = (watcher: ((invocation: Invocation) => void) | undefined): void => {
  invocationWatcher = watcher;
};

/** The handler's promise, its duration told to the watcher when it settles. */
const timed = <Result>(functionName: string, run: () => Promise<Result>): Promise<Result> => {
  const watcher = invocationWatcher;
  if (!watcher) return run();
  const started = performance.now();
  const done = (failed: boolean) => watcher({ functionName, ms: performance.now() - started, failed });
  return run().then(
    (result) => {
      done(false);
      return result;
    },
    (error: unknown) => {
      done(true);
      throw error;
    },
  );
};

/**
 * Invokes a Lambda handler as the Lambda runtime would: in an invocation context of its own (what
 * Powertools keeps per invocation stays there, however many run at once) with its own Lambda context,
 * whose deadline is the function's timeout (`timeoutMs`) where the stack gives it a longer one.
 */
export const invokeLocally = <Event, Result>(
  functionName: string,
  handler: LambdaHandler<Event, Result>,
  event: Event,
  timeoutMs: number = DEFAULT_LOCAL_TIMEOUT_MS,
): Promise<Result> => {
  const requestId = randomUUID();
  const context = { [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: requestId, [FUNCTION_NAME]: functionName };
  return invocations.run(context, () =>
    timed(functionName, () => handler(event, lambdaContext(functionName, requestId, timeoutMs))),
  );
};
