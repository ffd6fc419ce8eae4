// One structured log line per execution start, action step and execution end, for operators who grep or ship the
// host log: ids, workflow, request, plugin@version, duration, path and error code. Built from the engine's events,
// which carry no inputs, outputs or messages, so no secret (a password in a mapping, a token in a header) can
// reach a line.
import type { ExecutionFinishedEvent, StepFinishedEvent } from './metrics.ts';

export interface StructuredLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ExecutionStartedEvent {
  executionId: string;
  workflowId: string;
  requestId: number | null;
}

/** An engine observer that logs; the last failing plugin of an execution is named on its failure line. */
export function executionLog(logger: StructuredLogger) {
  const failedPlugin = new Map<string, string>();
  return {
    executionStarted(event: ExecutionStartedEvent): void {
      logger.info(
        {
          event: 'execution.started',
          executionId: event.executionId,
          workflow: event.workflowId,
          request: event.requestId,
        },
        'execution started',
      );
    },
    stepFinished(event: StepFinishedEvent): void {
      if (event.plugin === null) return;
      if (event.errorCode !== null) failedPlugin.set(event.executionId, event.plugin);
      const fields = {
        event: 'step.finished',
        executionId: event.executionId,
        node: event.nodeId,
        plugin: event.plugin,
        path: event.path,
        durationMs: event.durationMs,
        errorCode: event.errorCode,
      };
      if (event.errorCode === null) logger.info(fields, 'step finished');
      else logger.warn(fields, 'step failed');
    },
    executionFinished(event: ExecutionFinishedEvent): void {
      const plugin = failedPlugin.get(event.executionId) ?? null;
      failedPlugin.delete(event.executionId);
      const failed = event.status === 'failed';
      const fields = {
        event: failed ? 'execution.failed' : 'execution.finished',
        executionId: event.executionId,
        workflow: event.workflowId,
        request: event.requestId,
        status: event.status,
        outcome: event.outcome,
        durationMs: event.durationMs,
        errorCode: event.errorCode,
        plugin,
      };
      if (failed) logger.error(fields, 'execution failed');
      else logger.info(fields, 'execution finished');
    },
  };
}
