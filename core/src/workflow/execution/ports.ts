// What running workflows needs from its neighbours, declared here as small interfaces (ports) so the engine can
// be tested with fakes and the host wires the real sandbox, ITSM store and credential store. The store ports
// (ExecutionQueue, ExecutionRepository) are asynchronous: the embedded SQLite store implements them in process,
// a networked store (PostgreSQL) can implement them as they are.
import type { Json } from '@actionhost/sdk';
import type { InvocationBindings, InvocationLog } from '../../capabilities/index.ts';
import type { FieldChange, PluginExecutionAudit } from '../../itsm/index.ts';
import type { PublishedWorkflow } from '../definition/index.ts';
import type {
  ErrorSummary,
  Execution,
  ExecutionFilter,
  ExecutionOutcome,
  ExecutionPage,
  ExecutionStatus,
  ExecutionTrigger,
  Step,
} from './stored-execution.ts';

type MaybePromise<T> = T | Promise<T>;

export interface PluginRef {
  name: string;
  version: string;
  integrity: string;
}

export interface PluginOutcome {
  invocationId?: string;
  path: string;
  output: Json;
  logs?: InvocationLog[];
  durationMs?: number;
}

/** Runs one pinned plugin version in the sandbox; throws an ActionhostError when the invocation fails. */
export interface PluginRunner {
  run(
    plugin: PluginRef,
    input: unknown,
    options: {
      entry?: 'run' | 'testConnection';
      bindings: InvocationBindings;
      idempotencyKey: string;
      signal?: AbortSignal;
    },
  ): Promise<PluginOutcome>;
}

/** One row of the ITSM outbox (OutboxEvent of core/src/itsm). */
export interface RequestEvent {
  id: number;
  type: 'request.created' | 'request.updated' | (string & {});
  requestId: number;
  /** For request.updated: the fields that changed, from what to what (custom fields as "customFields.<key>"). */
  changes?: FieldChange[];
  createdAt?: string;
}

/** Service-desk requests and their outbox of events (ItsmService fits as is). */
export interface RequestSource {
  /** The request (ItsmRequest of the SDK contract, plus timestamps): the trigger node's data. */
  getRequest(internalId: number): MaybePromise<object>;
  pendingEvents(limit: number): MaybePromise<RequestEvent[]>;
  /** Takes an event for this engine; a falsy answer means another worker has it (or it is done). */
  claimEvent(id: number): MaybePromise<unknown>;
  markEventProcessed(id: number): MaybePromise<unknown>;
  /** Takes up to `limit` pending events at once (oldest first); the engine prefers it to claimEvent. */
  claimEvents?(limit: number): MaybePromise<RequestEvent[]>;
  /** Marks several events done at once; the engine prefers it to markEventProcessed. */
  markEventsProcessed?(ids: readonly number[]): MaybePromise<unknown>;
  /** Gives a claim back when the engine stops before processing it. */
  releaseEvent?(id: number): MaybePromise<unknown>;
  /** Gives back every claim on unprocessed events; the engine calls it on start (one engine per store). */
  releaseClaims?(): MaybePromise<unknown>;
  /** Events not processed yet and the oldest one's creation time: outbox lag for metrics. */
  outboxLag?(): MaybePromise<{ pending: number; oldestCreatedAt: string | null }>;
}

/** The request's Audit Trail (ItsmService fits as is): a plugin execution, shaped as the ITSM store keeps it. */
export interface AuditSink {
  recordAudit(
    requestId: number,
    entry: { kind: 'plugin.execution'; actor: string; data: PluginExecutionAudit },
    options?: { secrets?: readonly string[] },
  ): MaybePromise<unknown>;
}

/** An Audit Trail entry that commits together with the step result it describes. */
export interface StepAudit {
  requestId: number;
  entry: { kind: 'plugin.execution'; actor: string; data: PluginExecutionAudit };
  secrets: readonly string[];
}

/** Credential secret values, so they can be scrubbed from anything the engine stores (CredentialStore). */
export interface SecretValues {
  secretValues(): MaybePromise<Iterable<string>>;
}

/** A new execution to queue: a published workflow version for one event (or a retry of an earlier execution). */
export interface NewExecution {
  workflowId: string;
  workflowVersion: number;
  requestId: number | null;
  eventId: string | null;
  trigger: ExecutionTrigger;
  retryOf?: string;
  /** The request as the trigger saw it; a resumed run reads this, not the request as it is by then. */
  request?: Json;
}

/** An execution a claim handed to this engine (it is `running` now): what its run starts from. */
export interface ClaimedExecution {
  id: string;
  workflowId: string;
  workflowVersion: number;
  requestId: number | null;
  eventId: string | null;
  trigger: ExecutionTrigger;
  /** The request snapshot; null for executions stored without one (the run reads the request then). */
  request: Json | null;
}

/**
 * The queue of executions. A claim moves due `queued` executions to `running` for the calling engine, oldest due
 * first, in one statement; picking costs O(log n) in the queue's length (an index on the due time).
 */
export interface ExecutionQueue {
  /** Queues executions in one transaction; returns the ids created (a replayed (workflow, event) adds none). */
  enqueue(executions: readonly NewExecution[]): Promise<string[]>;
  /** Claims up to `limit` due executions. */
  claim(limit: number): Promise<ClaimedExecution[]>;
  /** Claims one queued execution by id (an explicit retry); null when it is not queued. */
  claimOne(id: string): Promise<ClaimedExecution | null>;
  /** Gives a running execution back: due at `at` (a scheduled retry) or, with null, at once (a checkpoint). */
  requeue(id: string, at: string | null): Promise<void>;
  /** When the earliest queued execution is due; null when none is queued. */
  nextDueAt(): Promise<string | null>;
  /** How many are queued and when the longest-waiting one became due (back-pressure, metrics). */
  depth(): Promise<{ queued: number; oldestDueAt: string | null }>;
  /**
   * On start (one engine per store): executions a previous process left running go back to the queue and the steps
   * it had in flight are marked interrupted, so the resumed run attempts them again with the same key.
   */
  recoverInterrupted(): Promise<number>;
  /**
   * Shared stores only: calls `listener` when this host has not reached the store for most of a lease, so the
   * executions it holds may soon be taken over by another host. The engine then stops their in-flight steps, so no
   * step runs on two hosts at once. Returns a function that removes the listener.
   */
  onLeasesLapsing?(listener: () => void): () => void;
}

/** A step as it starts; `seq` is given by the engine that holds the execution (1, 2, ... per execution). */
export interface StepStart {
  seq: number;
  nodeId: string;
  kind: Step['kind'];
  title: string | null;
  plugin: string | null;
  integrity: string | null;
  inputs: Json;
  attempt: number;
}

/** How a step ended. */
export interface StepEnd {
  status: 'succeeded' | 'failed';
  path: string | null;
  output: Json;
  error: ErrorSummary | null;
  durationMs: number;
  logs?: InvocationLog[];
  /** Another attempt of this node follows at that time. */
  retryAt?: string | null;
}

export interface ExecutionEnd {
  status: 'succeeded' | 'failed';
  error: ErrorSummary | null;
  outcome: ExecutionOutcome;
  failedSteps: string[];
}

/**
 * Executions and their steps, and the published versions they run. Writes are durable when their promise
 * resolves, and commit in the order they were made: a resolved write implies the earlier ones are durable too.
 */
export interface ExecutionRepository {
  /** A published workflow version (immutable once published). */
  published(workflowId: string, version: number): Promise<PublishedWorkflow | null>;
  /** The active published version of every workflow whose trigger listens to `event`. */
  activeWorkflows(event: string): Promise<PublishedWorkflow[]>;
  /** The steps recorded so far, in order (a resumed run replays them). */
  steps(executionId: string): Promise<Step[]>;
  startStep(executionId: string, step: StepStart): Promise<void>;
  /** A step's result; with `audit`, its Audit Trail entry commits in the same transaction. */
  finishStep(executionId: string, seq: number, end: StepEnd, audit?: StepAudit): Promise<void>;
  /** A step that starts and ends at once (a condition, a step given up on). */
  recordStep(executionId: string, step: StepStart & StepEnd): Promise<void>;
  /** Closes an execution unless it is finished already (a cancel from elsewhere wins); false when it was. */
  finishExecution(id: string, end: ExecutionEnd): Promise<boolean>;
  /** The execution's status as stored (a CLI in another process may have cancelled it). */
  statusOf(id: string): Promise<ExecutionStatus | null>;
  /** Cancels an execution that is not finished; its running steps are closed too. False when it was finished. */
  cancelExecution(id: string, reason: ErrorSummary): Promise<boolean>;
  getExecution(id: string): Promise<Execution | null>;
  listExecutions(filter: ExecutionFilter): Promise<ExecutionPage>;
}

/**
 * What the engine reports as it works, for metrics and logs (host/ wires observers in; the engine never needs to
 * change for them). Observers must be cheap and must not throw; a throw is swallowed.
 */
export interface EngineObserver {
  executionStarted?(event: { executionId: string; workflowId: string; requestId: number | null }): void;
  executionFinished?(event: {
    executionId: string;
    workflowId: string;
    requestId: number | null;
    /** waiting = handed back to the queue for a retry; checkpointed = the engine is stopping. */
    status: 'succeeded' | 'failed' | 'waiting' | 'checkpointed' | 'closed';
    outcome: ExecutionOutcome | null;
    durationMs: number;
    errorCode: string | null;
  }): void;
  stepFinished?(event: {
    executionId: string;
    nodeId: string;
    kind: Step['kind'];
    /** name@version for action steps. */
    plugin: string | null;
    path: string | null;
    durationMs: number;
    errorCode: string | null;
  }): void;
}
