// How long things are kept: the host's retention settings as one value, and the moments before which each kind
// of row goes. Zero means "keep": no age limit, or no cap on the count.
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionPolicy {
  /** Succeeded executions (with their steps) go this many days after they finished; 0 keeps them. */
  succeededDays: number;
  /** Failed (and cancelled) executions: usually kept longer than succeeded ones, to investigate. */
  failedDays: number;
  /** At most this many finished executions are kept, the oldest going first whatever their status; 0 = no cap. */
  maxExecutions: number;
  /** Audit Trail entries of requests go this many days after they were written; 0 keeps them. */
  auditDays: number;
  /** At most this many Audit Trail entries are kept, the oldest going first; 0 = no cap. */
  maxAuditEntries: number;
}

/** Processed outbox events are plumbing (their executions are recorded apart): a day is kept for inspection. */
export const PROCESSED_EVENTS_KEPT_MS = DAY_MS;

export interface Cutoffs {
  succeeded: string | null;
  failed: string | null;
  audit: string | null;
  events: string;
}

export function cutoffsOf(policy: RetentionPolicy, now: Date): Cutoffs {
  const before = (days: number) => (days > 0 ? new Date(now.getTime() - days * DAY_MS).toISOString() : null);
  return {
    succeeded: before(policy.succeededDays),
    failed: before(policy.failedDays),
    audit: before(policy.auditDays),
    events: new Date(now.getTime() - PROCESSED_EVENTS_KEPT_MS).toISOString(),
  };
}
