// The one error type every actionhost package raises: a stable code, an HTTP status, structured details, and
// defineErrors, which turns a package's error table (code → status, message template, description) into typed
// constructors. Tests assert on `code`; the API serialises `toJSON()`; the CLI prints `message` and exits non-zero.
// Imports nothing: the guest bundle and the sandbox worker load it too (`@actionhost/sdk/errors`).

export interface ErrorDetails {
  /** JSON path of the offending value, e.g. "/input/Request.Id" or "package/plugin.json#/version" */
  path?: string;
  /** name@version of the plugin concerned */
  plugin?: string;
  [key: string]: unknown;
}

export class ActionhostError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: string, message: string, status = 400, details: ErrorDetails = {}) {
    super(message);
    this.name = 'ActionhostError';
    this.code = code;
    this.status = status;
    this.details = details;
  }

  toJSON(): { code: string; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isActionhostError(value: unknown): value is ActionhostError {
  return (
    value instanceof ActionhostError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'ActionhostError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}

/** A constructor for one code whose message the caller writes. Prefer a table and defineErrors, which documents it. */
export function errorFactory(
  code: string,
  status: number,
): (message: string, details?: ErrorDetails) => ActionhostError {
  return (message, details = {}) => new ActionhostError(code, message, status, details);
}

/** One row of an error table. */
export interface ErrorSpec {
  /** The HTTP status the API answers with (a CLI exits 1 whatever it is). */
  readonly status: number;
  /** The message, with named parameters in braces: 'the plugin did not finish within {timeoutMs} ms'. */
  readonly message: string;
  /** One line for the docs: what causes it and how to fix it. */
  readonly description: string;
}

/** A package's errors, keyed by their stable code: `{ AH_PLUGIN_TIMEOUT: { status: 504, message, description } }`. */
export type ErrorTable = Readonly<Record<string, ErrorSpec>>;

/** A package's error table as its ERRORS.md shows it, in titled sections (see @actionhost/sdk/error-catalogue). */
export interface ErrorCatalogue {
  /** The npm package name, e.g. "@actionhost/core". */
  package: string;
  /** One paragraph under the title: where these errors surface and how to read them. */
  intro: string;
  sections: readonly { title: string; errors: ErrorTable }[];
  /** Codes of other packages that this one's sources name without raising them: code → what it does with them. */
  handles?: Readonly<Record<string, string>>;
}

/** What may fill a message parameter. */
export type MessageValue = string | number | boolean | bigint;

/** The parameter names of a template: 'no {what} with id {id}' → 'what' | 'id'. Only `{identifier}` is one. */
export type MessageParamNames<Template extends string> = Template extends `${string}{${infer Name}}${infer Rest}`
  ? (Name extends `${string}${' ' | ',' | '"' | "'" | '{'}${string}` ? never : Name) | MessageParamNames<Rest>
  : never;

export type MessageParams<Template extends string> = { readonly [Name in MessageParamNames<Template>]: MessageValue };

/** Only for codes whose table description names another status for a case (e.g. a stored file, not an upload). */
export interface ErrorOptions {
  status?: number;
}

/** The constructor defineErrors makes for one code; it also carries the row it was made from. */
export type CataloguedError<Code extends string, Template extends string> = ([MessageParamNames<Template>] extends [
  never,
]
  ? (details?: ErrorDetails, options?: ErrorOptions) => ActionhostError
  : (params: MessageParams<Template>, details?: ErrorDetails, options?: ErrorOptions) => ActionhostError) & {
  readonly code: Code;
  readonly status: number;
  readonly template: Template;
  readonly description: string;
};

export type ErrorConstructors<Table extends ErrorTable> = {
  readonly [Code in keyof Table & string]: CataloguedError<Code, Table[Code]['message']>;
};

const PARAMETER = /\{([A-Za-z_$][\w$]*)\}/g;

/** Fills a template's `{name}` parameters; a parameter without a value stays as written. */
export function formatErrorMessage(
  template: string,
  params: Readonly<Record<string, MessageValue | undefined>> = {},
): string {
  return template.replace(PARAMETER, (whole, name: string) =>
    Object.hasOwn(params, name) && params[name] !== undefined ? String(params[name]) : whole,
  );
}

/** The parameter names a template uses, in order of first appearance. */
export function messageParamNames(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(PARAMETER), (match) => match[1]))];
}

/**
 * Turns an error table into one typed constructor per code, so a throw site passes parameters and details and the
 * table stays the one place where codes, statuses and messages are written:
 *
 *     const E = defineErrors({ AH_X_NOT_FOUND: { status: 404, message: 'no x named "{name}"', description: '...' } });
 *     throw E.AH_X_NOT_FOUND({ name }, { path: '/name' });
 */
export function defineErrors<const Table extends ErrorTable>(table: Table): ErrorConstructors<Table> {
  const constructors: Record<string, unknown> = {};
  for (const [code, spec] of Object.entries(table)) {
    const hasParams = messageParamNames(spec.message).length > 0;
    const make = (...args: unknown[]): ActionhostError => {
      const [params, details, options] = (hasParams ? args : [{}, ...args]) as [
        Record<string, MessageValue> | undefined,
        ErrorDetails | undefined,
        ErrorOptions | undefined,
      ];
      return new ActionhostError(
        code,
        formatErrorMessage(spec.message, params),
        options?.status ?? spec.status,
        details ?? {},
      );
    };
    constructors[code] = Object.assign(make, {
      code,
      status: spec.status,
      template: spec.message,
      description: spec.description,
    });
  }
  return Object.freeze(constructors) as ErrorConstructors<Table>;
}
