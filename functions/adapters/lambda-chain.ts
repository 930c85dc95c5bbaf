import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.js';
import { tracer } from './tracer.js';

/**
 * The start of every handler's middy chain (API routes, consumers, the materialiser, the sweep, the
 * scheduled start, the stream aggregator): each invocation logs with its own Lambda context
 * (`clearState` drops its keys when it ends) and is one X-Ray segment. Responses are never put in the
 * trace (`captureResponse: false`): API answers list phone numbers.
 */
export const lambdaChain = <TEvent = unknown, TResult = unknown>() =>
  middy<TEvent, TResult, Error, Context>()
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }));
