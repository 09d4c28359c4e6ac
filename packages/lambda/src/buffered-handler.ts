/**
 * The buffered Lambda handler: each HTTP event answered with its source's JSON result. Both runtime
 * entries use it; nothing here imports the streaming code.
 */
import { answerAtOnce, answerHead, streamAnswer } from './answer.js';
import { errorResult } from './error-result.js';
import { pickEventSource, type RequestInput } from './events/index.js';
import { Invocation } from './invocation.js';
import type { LambdaHandler } from './options.js';
import { otherEvent } from './other-event.js';
import type { Runtime } from './runtime.js';
import { eventTask, taskEventResult } from './task-event.js';
import type { LambdaContext, LambdaHttpResult } from './types.js';

/** The handler that answers with the source's JSON result. */
export function bufferedHandler(runtime: Runtime): LambdaHandler {
  return async function lambdaHandler(event: unknown, context: LambdaContext) {
    if (context != null && !runtime.keepEventLoop) context.callbackWaitsForEmptyEventLoop = false;
    const task = eventTask(event);
    if (task !== undefined) return taskEventResult(runtime, task, event, context);
    const source = pickEventSource(event);
    if (source === undefined) return otherEvent(runtime, event, context);
    let input: RequestInput;
    try {
      input = source.createRequest(event, runtime.sourceOptions);
    } catch (error) {
      return errorResult(runtime, source, event, error, 'bad event');
    }
    const invocation = new Invocation(runtime, input, event, context);
    let result: LambdaHttpResult;
    try {
      const response = await invocation.respond();
      const head = answerHead(response);
      // a string or bytes body is answered at once: no wait, so no deadline timer for this event
      const answer = answerAtOnce(head, response, input.method, runtime.answerOptions) ?? (await invocation.within(streamAnswer(head, runtime.answerOptions)));
      result = source.createResult(answer, event);
    } catch (error) {
      result = errorResult(runtime, source, event, error, `${input.method} ${input.url}`);
    }
    await invocation.finish();
    return result;
  };
}
