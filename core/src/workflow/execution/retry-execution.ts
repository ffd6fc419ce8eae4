// A retry of a finished execution is a new queued execution: same pinned workflow version, same trigger,
// `retryOf` pointing at the original. Shared by the engine (API) and the CLI (database, host up or down).
import type { Json } from '@actionhost/sdk';
import { WorkflowErrors } from '../definition/index.ts';
import type { ExecutionQueue, ExecutionRepository, RequestSource } from './ports.ts';

/** Queues a new execution that runs a finished one again (the engine or the CLI, with or without a running host). */
export async function enqueueRetry(
  queue: ExecutionQueue,
  executions: ExecutionRepository,
  requests: Pick<RequestSource, 'getRequest'> | null,
  executionId: string,
): Promise<string> {
  const original = await executions.getExecution(executionId);
  if (!original)
    throw WorkflowErrors.executionNotFound({ id: executionId, problem: 'does not exist' }, { id: executionId });
  if (original.status === 'queued' || original.status === 'running') {
    throw WorkflowErrors.executionNotFinished({ id: executionId, status: original.status }, { id: executionId });
  }
  const published = await executions.published(original.workflowId, original.workflowVersion);
  if (!published || original.requestId === null)
    throw WorkflowErrors.executionNotFound({ id: executionId, problem: 'cannot be retried' }, { id: executionId });
  // The request as it is now (null when the caller has no ITSM service: the run then reads it when it starts).
  const request = requests ? ((await requests.getRequest(original.requestId)) as Json) : undefined;
  const [id] = await queue.enqueue([
    {
      workflowId: original.workflowId,
      workflowVersion: original.workflowVersion,
      requestId: original.requestId,
      eventId: null,
      trigger: original.trigger,
      retryOf: original.id,
      ...(request !== undefined ? { request } : {}),
    },
  ]);
  return id;
}
