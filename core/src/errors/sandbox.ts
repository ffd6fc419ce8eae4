// The sandbox's codes: what a plugin invocation fails with, from the host (sandbox.ts, slots.ts), the worker
// process (worker.ts) or the guest prelude (prelude.ts, which writes its codes as plain strings).
import type { ErrorTable } from '@actionhost/sdk/errors';

export const sandboxErrors = {
  AH_INPUT_INVALID: {
    status: 400,
    message: 'input {problem}',
    description:
      "The input does not match the plugin's input schema, or is not JSON; details.path points at the value. Fix the node's Input Mappings (or the CLI's --input).",
  },
  AH_OUTPUT_INVALID: {
    status: 502,
    message: 'output {problem}',
    description:
      'The plugin returned an output its own output schema refuses (or no { path, output } object); a bug in the plugin: tell its author.',
  },
  AH_PATH_UNDECLARED: {
    status: 502,
    message: 'the plugin returned path "{path}", which its manifest does not declare',
    description: "The plugin chose an output path missing from its manifest's `paths`; a bug in the plugin.",
  },
  AH_PLUGIN_INVALID: {
    status: 502,
    message: 'the plugin script cannot run: {reason}',
    description:
      'dist/plugin.js does not compile, or does not set globalThis.plugin.run; rebuild the plugin with `actionhost-sdk build`.',
  },
  AH_ENTRY_UNSUPPORTED: {
    status: 400,
    message: '{plugin} does not offer Test Connection',
    description:
      'Test Connection was asked of a plugin whose manifest (or script) has none; only plugins with `testConnection: true` offer it.',
  },
  AH_PLUGIN_TIMEOUT: {
    status: 504,
    message: 'the plugin did not finish within {timeoutMs} ms',
    description:
      "The invocation, its awaited host calls included, ran past the manifest's limits.timeoutMs (capped by the host); raise the limit or make the work smaller.",
  },
  AH_PLUGIN_OUT_OF_MEMORY: {
    status: 502,
    message: 'the plugin ran out of memory ({reason})',
    description:
      "The plugin's isolate passed limits.memoryMb, or its worker process died of it; the host replaced the worker. Raise memoryMb or hold less data.",
  },
  AH_PLUGIN_CRASHED: {
    status: 502,
    message: 'the plugin could not finish: {reason}',
    description:
      'The sandbox worker running the invocation exited or was lost; the host starts a new one and a workflow step retries. Repeated crashes point at the plugin.',
  },
  AH_PLUGIN_THREW: {
    status: 502,
    message: '{message}',
    description:
      "The plugin's code threw; the message is the plugin's own, details.cause the code of a host error it did not catch. Handle the failure in the plugin or fix the input.",
  },
  AH_OUTPUT_TOO_LARGE: {
    status: 502,
    message: 'the plugin output is {bytes} bytes, over the limit of {limit}',
    description: "The output (or output plus logs) is over the host's cap; return less, e.g. ids instead of records.",
  },
  AH_OUTPUT_TOO_DEEP: {
    status: 502,
    message: 'the plugin output nests deeper than {limit} levels',
    description:
      'The output (or the arguments of a host call) nests arrays and objects deeper than the host accepts; flatten it. The step takes its failure edge.',
  },
  AH_HOST_CALL_TOO_LARGE: {
    status: 413,
    message: 'the arguments of a host call are {size} characters, over the limit of {limit}',
    description:
      'A ctx call carried more than the host takes in one call, or more than one invocation may have in flight at once; it was refused inside the sandbox, before anything was copied out. Send less per call (e.g. a smaller request body).',
  },
  AH_HOST_CALL_LIMIT: {
    status: 502,
    message: 'the plugin made more than {limit} host calls',
    description:
      'One invocation made more capability calls than the host allows; the invocation was stopped. Batch the work.',
  },
  AH_CAPABILITY_DENIED: {
    status: 403,
    message: '{capability}.{method} is not allowed: {reason}',
    description:
      'The plugin called a capability (or an itsm scope, or another request than its own) its manifest does not declare; add it to `capabilities` in definePlugin and build again.',
  },
  AH_CAPABILITY_UNAVAILABLE: {
    status: 503,
    message: 'this host does not offer the {capability} capability',
    description:
      'The manifest declares a capability this host was started without (e.g. no ldap); run it on a host that has it.',
  },
  AH_CAPABILITY_FAILED: {
    status: 500,
    message: 'the {capability} capability failed',
    description: 'A capability failed in a way it does not report as a code (a host bug); the host log has the cause.',
  },
  AH_INVOCATION_ENDED: {
    status: 409,
    message: 'no capability call is served: {reason}',
    description:
      'Plugin code called a capability after its invocation ended (a leftover timer or promise); await every call before returning.',
  },
  AH_INVOCATION_CANCELLED: {
    status: 499,
    message: 'the invocation was cancelled {when}',
    description: 'Whoever started the invocation (an execution being cancelled, a closing host) gave up on it.',
  },
  AH_SANDBOX_BUSY: {
    status: 503,
    message: 'too many plugin invocations are waiting ({limit}); try again later',
    description: 'The queue for free sandbox slots is full; a workflow step retries later, a caller should too.',
  },
  AH_SANDBOX_CLOSED: {
    status: 503,
    message: 'the sandbox is {state}',
    description: 'The host is shutting its sandbox down; the invocation was not run (or was stopped).',
  },
} as const satisfies ErrorTable;
