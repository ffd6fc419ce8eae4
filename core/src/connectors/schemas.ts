// Integration Connectors as the API shows them, and the messages of the connector protocol (long-polled over
// HTTPS: the connector asks for operations, runs them next to the directory, and posts their results back).
import { z } from 'zod';

const JsonValue = z.json();

export const ConnectorName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a connector name: letters, digits, ".", "_" or "-"');

/** POST /api/connectors. */
export const ConnectorCreate = z
  .object({
    name: ConnectorName,
    /** Where it runs and what it reaches, e.g. "Head office DC (10.0.0.0/24)". */
    description: z.string().max(500).default(''),
  })
  .strict();
export type ConnectorCreate = z.input<typeof ConnectorCreate>;

export const ConnectorStatus = z.enum(['online', 'offline', 'never-connected', 'revoked']);
export type ConnectorStatus = z.infer<typeof ConnectorStatus>;

/** A connector as the API answers: its health and when it was last seen, never its token. */
export const Connector = z.object({
  name: z.string(),
  description: z.string(),
  /** online: connected now (or a moment ago); offline: seen before, not now; revoked: its token no longer works. */
  status: ConnectorStatus,
  /** When it last talked to this host (a poll or a result). */
  lastSeenAt: z.string().nullable(),
  /** The address it connected from, and the version it reported, the last time. */
  address: z.string().nullable(),
  version: z.string().nullable(),
  tokenIssuedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Connector = z.infer<typeof Connector>;

/** The answers that carry a token: shown this once, stored only as a hash. */
export const IssuedConnector = Connector.extend({ token: z.string() });
export type IssuedConnector = z.infer<typeof IssuedConnector>;

// --- The protocol ------------------------------------------------------------------------------------------

/** One ldap operation for the connector to run: the Application travels with it (bind password included). */
export const ConnectorOperation = z.object({
  id: z.string(),
  method: z.string(),
  args: z.array(JsonValue),
  application: z.record(z.string(), JsonValue),
  /** How long the host waits for its result. */
  timeoutMs: z.number().int(),
});
export type ConnectorOperation = z.infer<typeof ConnectorOperation>;

/** POST /api/connector/poll: the connector waits (long poll) for operations. */
export const PollRequest = z
  .object({
    /** The connector's version (shown per connector). */
    version: z.string().max(100).default('unknown'),
    /** How long the host may hold the poll open when there is nothing to do (capped by the host). */
    waitMs: z.number().int().min(0).max(60_000).default(25_000),
  })
  .strict();
export type PollRequest = z.input<typeof PollRequest>;

export const PollAnswer = z.object({
  /** The connector's own name, as its token says. */
  connector: z.string(),
  operations: z.array(ConnectorOperation),
});
export type PollAnswer = z.infer<typeof PollAnswer>;

export const OperationResult = z.discriminatedUnion('ok', [
  z.object({ id: z.string().max(100), ok: z.literal(true), value: JsonValue }).strict(),
  z
    .object({
      id: z.string().max(100),
      ok: z.literal(false),
      error: z
        .object({
          code: z.string().regex(/^AH_[A-Z0-9_]+$/),
          message: z.string().max(4000),
          status: z.number().int().min(400).max(599).optional(),
          details: z.record(z.string(), JsonValue).optional(),
        })
        .strict(),
    })
    .strict(),
]);
export type OperationResult = z.infer<typeof OperationResult>;

/** POST /api/connector/results. */
export const ResultsRequest = z.object({ results: z.array(OperationResult).min(1).max(1000) }).strict();
export type ResultsRequest = z.infer<typeof ResultsRequest>;
