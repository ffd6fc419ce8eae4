// What a run carries from step to step: its context (the ports, the published version, the signals) and the
// data that placeholders and condition fields read while the run is under way.
import type { Json } from '@actionhost/sdk';
import {
  TRIGGER_NODE_ID,
  WorkflowErrors,
  dataSourceOf,
  readPath,
  readRequestPath,
  type PublishedWorkflow,
  type Reference,
  type SecretSealer,
  type WorkflowNode,
} from '../definition/index.ts';
import type { EngineObserver, ExecutionQueue, ExecutionRepository, PluginRunner, RequestEvent } from './ports.ts';
import type { ErrorSummary, Step } from './stored-execution.ts';

export interface ExecutionContext {
  queue: ExecutionQueue;
  executions: ExecutionRepository;
  runner: PluginRunner;
  secrets: readonly string[];
  /** Opens literal secrets sealed in Input Mappings. */
  sealer?: SecretSealer;
  published: PublishedWorkflow;
  executionId: string;
  request: Record<string, Json>;
  event: RequestEvent;
  /** The steps an earlier run of this execution recorded (empty for a fresh one). */
  steps: Step[];
  writes: RunWrites;
  /** A user cancel: the step in hand is aborted and the execution fails. */
  signal?: AbortSignal;
  /** The engine is stopping: the step in hand is aborted and checkpointed, the execution goes back to the queue. */
  stopSignal?: AbortSignal;
  /** Waits for a slot of the plugin (per-plugin concurrency); returns the release. */
  acquirePlugin?: (name: string, signal: AbortSignal) => Promise<() => void>;
  observer?: EngineObserver;
  now?: () => Date;
  random?: () => number;
}

/**
 * The writes of one run: step numbers, and the writes the run did not wait for. Those commit in order with the
 * rest (group commit), so waiting for a later write (the next action's start, the execution's end) waits for
 * them too; a failed one fails the run at that point.
 */
export class RunWrites {
  #next: number;
  #pending: Promise<unknown>[] = [];
  #failure: Error | null = null;

  constructor(steps: readonly Step[]) {
    this.#next = steps.reduce((max, step) => Math.max(max, step.seq), 0) + 1;
  }

  nextSeq(): number {
    return this.#next++;
  }

  /** A write the run goes on without waiting for. */
  later(write: Promise<unknown>): void {
    this.#pending.push(
      write.catch((error: unknown) => {
        this.#failure ??= error instanceof Error ? error : new Error(String(error));
      }),
    );
  }

  /** Waits for `write` and every write made before it; throws the first that failed. */
  async now<T>(write: Promise<T>): Promise<T> {
    const result = await write;
    await this.settled();
    return result;
  }

  async settled(): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    await Promise.all(pending);
    if (this.#failure !== null) throw this.#failure;
  }
}

export interface NodeResult {
  path: string;
  output: Json;
}

/** What placeholders and condition fields read while a run is under way. */
export class RunData {
  readonly byId: Map<string, { node: WorkflowNode; index: number }>;
  readonly request: Record<string, Json>;
  readonly results = new Map<string, NodeResult>();

  constructor(nodes: WorkflowNode[], request: Record<string, Json>) {
    this.byId = new Map(nodes.map((node, index) => [node.id, { node, index }]));
    this.request = request;
  }

  resolve(ref: Reference, source: string, path: string): Json {
    if (ref.kind === 'source') {
      const from = dataSourceOf(this, source);
      if (from === TRIGGER_NODE_ID) return readRequestPath(this.request, ref.path);
      return readPath(this.#result(from, ref, path).output, ref.path) ?? null;
    }
    const result = this.#result(ref.node, ref, path);
    return ref.part === 'path' ? result.path : (readPath(result.output, ref.path) ?? null);
  }

  #result(nodeId: string, ref: Reference, path: string): NodeResult {
    const result = this.results.get(nodeId);
    if (!result)
      throw WorkflowErrors.placeholderUnresolved({ placeholder: ref.text, node: nodeId }, { path, node: nodeId });
    return result;
  }
}

/** What one step tells the run: where to go next, or that the execution waits, or stops here. */
export interface StepResult {
  next?: string;
  error?: ErrorSummary;
  retryAt?: string;
  interrupted?: boolean;
  /** An action that ended failed or on its failure path: the execution's outcome is a failure. */
  failed?: boolean;
}
