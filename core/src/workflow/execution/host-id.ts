// Which host ran a step: every engine has an id of its own, recorded on the steps it runs (and, on PostgreSQL, on
// the executions and events it claims), and shown by the executions API and /metrics.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** hostname, pid and a random suffix: a restarted process is a new host (its old claims are not its own). */
export function newHostId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
