// Authoring problems found on save or publish, reported all at once: each check adds what it finds, and the caller
// gets one error whose code, status and message are the first problem's, with `details.problems` listing every
// problem ({ code, message, path, ... }) so an editor can fix them in one pass.
import { ActionhostError, isActionhostError, type ErrorDetails } from '@actionhost/sdk';

export interface ProblemEntry {
  code: string;
  message: string;
  path?: string;
  [key: string]: unknown;
}

export class Problems {
  readonly list: ActionhostError[] = [];

  add(error: ActionhostError): void {
    this.list.push(error);
  }

  /** Runs `check`, keeping an ActionhostError it throws as a problem; anything else is a bug and propagates. */
  collect<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      if (!isActionhostError(error)) throw error;
      this.add(error);
      return undefined;
    }
  }

  async collectAsync<T>(check: () => Promise<T>): Promise<T | undefined> {
    try {
      return await check();
    } catch (error) {
      if (!isActionhostError(error)) throw error;
      this.add(error);
      return undefined;
    }
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    if (!this.empty) throw aggregate(this.list);
  }
}

/** One error standing for all of `problems` (the first one's code, status and message; every one in details). */
export function aggregate(problems: readonly ActionhostError[]): ActionhostError {
  const entries = problems.flatMap(entriesOf);
  const first = problems[0];
  const more = entries.length - 1;
  const message =
    more > 0
      ? `${entries[0].message} (and ${more} more problem${more === 1 ? '' : 's'}: see details.problems)`
      : entries[0].message;
  const { problems: _nested, ...details } = first.details as ErrorDetails & { problems?: unknown };
  return new ActionhostError(first.code, message, first.status, { ...details, problems: entries });
}

function entriesOf(error: ActionhostError): ProblemEntry[] {
  const nested = (error.details as { problems?: unknown }).problems;
  if (Array.isArray(nested)) return nested as ProblemEntry[];
  const { issues: _issues, ...details } = error.details as ErrorDetails & { issues?: unknown };
  return [{ code: error.code, message: error.message, ...details }];
}

/** The problems an error stands for: those of `details.problems` when it aggregates several, else itself. */
export function expandProblems(error: ActionhostError): ActionhostError[] {
  const nested = (error.details as { problems?: unknown }).problems;
  if (!Array.isArray(nested)) return [error];
  return (nested as ProblemEntry[]).map(
    ({ code, message, ...details }) => new ActionhostError(code, message, error.status, details),
  );
}
