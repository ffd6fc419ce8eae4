// Where metrics and logs hook into a running host: one observer of the engine and one of the sandbox are wired
// once at start, and each fans out to whatever was added since (e.g. a Prometheus exporter), so the engine and the
// sandbox never change for them.
import type { SandboxObserver } from '../sandbox/index.ts';
import type { EngineObserver } from '../workflow/index.ts';

export interface HostObserver {
  engine?: EngineObserver;
  sandbox?: SandboxObserver;
}

type Calls<T> = { [K in keyof T]-?: NonNullable<T[K]> };

export class HostObservers {
  readonly #added = new Set<HostObserver>();
  /** Wired into the engine: calls every added engine observer. */
  readonly engine: Calls<EngineObserver>;
  /** Wired into the sandbox: calls every added sandbox observer. */
  readonly sandbox: Calls<SandboxObserver>;

  constructor() {
    const fan =
      <K extends 'engine' | 'sandbox'>(part: K, method: string) =>
      (event: unknown): void => {
        for (const observer of this.#added) {
          const target = observer[part] as Record<string, ((event: unknown) => void) | undefined> | undefined;
          try {
            target?.[method]?.(event);
          } catch {
            /* an observer must not break the host */
          }
        }
      };
    this.engine = {
      executionStarted: fan('engine', 'executionStarted'),
      executionFinished: fan('engine', 'executionFinished'),
      stepFinished: fan('engine', 'stepFinished'),
    };
    this.sandbox = {
      invocationFinished: fan('sandbox', 'invocationFinished'),
      workerExited: fan('sandbox', 'workerExited'),
    };
  }

  /** Adds an observer; the returned function removes it. */
  add(observer: HostObserver): () => void {
    this.#added.add(observer);
    return () => this.#added.delete(observer);
  }
}
