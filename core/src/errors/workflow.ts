// The workflow concern's codes: definition problems (found on save or publish, each with the JSON path of the
// offending value), plugin resolution, input mappings, placeholders, and executions.
import type { ErrorTable } from '@actionhost/sdk/errors';

export const definitionErrors = {
  AH_NODE_ID_DUPLICATE: {
    status: 400,
    message: 'node id "{node}" is used twice',
    description: 'Every node of a workflow needs its own id; rename one.',
  },
  AH_NODE_ID_RESERVED: {
    status: 400,
    message: '"{node}" is the trigger\'s id',
    description: 'A node may not use the id the trigger has; rename the node.',
  },
  AH_EDGE_TARGET_UNKNOWN: {
    status: 400,
    message: '{from} leads to node "{node}", which does not exist',
    description: 'An edge (or the start) names a node id that is not in the workflow; fix the id or add the node.',
  },
  AH_WORKFLOW_CYCLE: {
    status: 400,
    message: 'the nodes {cycle} form a cycle',
    description: 'A workflow is a graph without loops; remove one of the edges named.',
  },
  AH_SOURCE_NODE_UNKNOWN: {
    status: 400,
    message: 'source node "{source}" of "{node}" does not exist',
    description: "A node's Select Source Node names no node; pick the trigger or an earlier node.",
  },
  AH_SOURCE_NODE_NOT_UPSTREAM: {
    status: 400,
    message: 'source node "{source}" is not upstream of "{node}"',
    description: 'A node can read only the trigger or a node that runs before it; pick one of those as its source.',
  },
  AH_CONDITION_VALUE_REQUIRED: {
    status: 400,
    message: '"{operator}" needs a value',
    description: "This If Else operator compares with a value; fill in the rule's value.",
  },
  AH_PLACEHOLDER_SYNTAX: {
    status: 400,
    message:
      'the "#" at offset {offset} opens no placeholder: write "##" for a literal "#", or give the text as a $literal value',
    description:
      'In every Input Mapping value, secret or not, placeholders are #field# or #nodes.<id>.output.<path>#, and a literal # is written ##; { "$literal": "p#w" } takes text exactly as typed. The value is not repeated in the message (it may be a password).',
  },
  AH_PLACEHOLDER_UNKNOWN: {
    status: 400,
    message: '{placeholder} {problem}',
    description:
      'A placeholder (or a trigger field, or a "changed" rule) reads something its source does not have; use a request field or an earlier node\'s output.',
  },
  AH_PLACEHOLDER_VALUE_INVALID: {
    status: 422,
    message: '{placeholder} in {position} {problem}',
    description:
      'At run time a placeholder in a URL gave a value that cannot stand where it is: at the start of the URL or in its host the value must keep it an absolute http(s) URL with a host (it is not encoded there); in a path segment it must not make a "." or ".." segment. Values in the path, query and fragment are percent-encoded.',
  },
  AH_SEALED_VALUE_INVALID: {
    status: 400,
    message: 'the sealed value {problem}',
    description:
      'A { "$sealed": ... } value in Input Mappings does not open here. A node\'s sealed value opens only in the workflow, node and input it was typed in, and only while the node\'s URL keeps the origin it had then; it was copied from elsewhere, its node\'s URL moved to another origin, it was sealed before values were bound, by another host, or altered — or a secret was typed into a node whose URL host is a placeholder. Type the secret again (as text or { "$literal": ... }); the host seals it when the workflow is saved.',
  },
  AH_PLACEHOLDER_UNRESOLVED: {
    status: 422,
    message: '#{placeholder}# reads node "{node}", which did not run in this execution',
    description:
      'At run time a placeholder read a node that took another path; map it only on paths where that node has run.',
  },
  AH_PLUGIN_SPEC_INVALID: {
    status: 400,
    message: '"{spec}" is not "name@range" with a semver range',
    description: 'An action node `uses` name@range, e.g. @actionhost/run-webhook@^1.',
  },
  AH_PLUGIN_NOT_FOUND: {
    status: 409,
    message: '{plugin} is not installed',
    description:
      'Publishing (or running) needs the plugin installed: `registry install` it (or POST /api/plugins), then publish again; details.range is the range asked for, details.installed is empty. A removed pinned version needs the workflow published again.',
  },
  AH_PLUGIN_VERSION_NO_MATCH: {
    status: 409,
    message: 'no installed version of "{name}" satisfies "{range}" (installed: {installed})',
    description:
      'Publishing pins the highest installed version in the range; details.installed lists the versions there are. Install one in the range, or change the range in `uses`.',
  },
  AH_CAPABILITIES_NOT_APPROVED: {
    status: 409,
    message: 'publishing would pin plugin versions that may reach more than any approved version: {plugins}',
    description:
      'Upgrades never widen what a plugin may reach silently. details.plugins lists each version (name, version, against: the approved version it was compared with, widened: e.g. "http: *", "ldap", "itsm: requests:write"). An admin approves with `registry approve name@version`, `registry install --accept-capabilities`, the upload\'s acceptCapabilities, or by publishing with {"acceptCapabilities": true}.',
  },
  AH_PLUGIN_INTEGRITY_MISMATCH: {
    status: 409,
    message: '{plugin} installed now is not the package the workflow pinned: publish the workflow again',
    description:
      'The installed bytes of the pinned version differ from those pinned at publish (reinstalled or tampered); publish again to pin what is installed.',
  },
  AH_APP_INTEGRATION_UNKNOWN: {
    status: 404,
    message: 'App Integration "{name}" does not exist',
    description:
      'The node names an App Integration that is not configured; create it (POST /api/app-integrations) or fix the name.',
  },
  AH_OUTPUT_PATH_UNKNOWN: {
    status: 400,
    message: '{plugin} has no output path "{path}" (it has {paths})',
    description: "An edge leaves a node by a path its plugin does not declare; use one of the plugin's paths.",
  },
  AH_MAPPING_KEY_UNKNOWN: {
    status: 400,
    message: 'node "{node}" maps "{key}", which {plugin} does not take (it takes {keys})',
    description:
      "An Input Mapping key is not in the plugin's input schema; check the spelling against the keys listed.",
  },
  AH_MAPPING_TYPE: {
    status: 400,
    message: 'node "{node}" maps "{key}" to a value {plugin} does not accept: {problem}',
    description: "An Input Mapping's value does not match the plugin's input schema for that key.",
  },
  AH_MAPPING_REQUIRED: {
    status: 400,
    message: 'node "{node}" must map "{key}", which {plugin} requires',
    description: "The plugin's input schema requires this key; add an Input Mapping for it.",
  },
} as const satisfies ErrorTable;

export const executionErrors = {
  AH_WORKFLOW_NOT_FOUND: {
    status: 404,
    message: 'workflow {id} does not exist',
    description: 'No workflow has that id (or it was deleted); list them with GET /api/workflows.',
  },
  AH_WORKFLOW_NOT_PUBLISHED: {
    status: 409,
    message: 'workflow {id} has no published version to activate',
    description: 'Activating runs a published version: publish the draft first (publishing also activates it).',
  },
  AH_WORKFLOW_VERSION_NOT_FOUND: {
    status: 404,
    message: 'workflow {id} has no published version {version}',
    description: 'Pick a version from GET /api/workflows/:id/versions.',
  },
  AH_WORKFLOW_ACTIVE: {
    status: 409,
    message: 'workflow {id} is active: deactivate it before deleting it',
    description:
      'Only drafts and inactive workflows can be deleted; POST /api/workflows/:id/deactivate first (executions in flight finish).',
  },
  AH_WORKFLOW_RUNNING: {
    status: 409,
    message: 'workflow {id} still has {count} queued or running execution(s)',
    description:
      'A deactivated workflow lets its executions in flight finish; delete it once they have (or cancel them).',
  },
  AH_NODE_NOT_FOUND: {
    status: 404,
    message: 'workflow {id} has no node "{node}"',
    description: 'The workflow has no node with that id.',
  },
  AH_NODE_NOT_ACTION: {
    status: 400,
    message: 'node "{node}" is a condition: only action nodes connect to anything',
    description: 'Test Connection applies to action nodes only.',
  },
  AH_TEST_CONNECTION_UNSUPPORTED: {
    status: 400,
    message: '{plugin} has no Test Connection',
    description: "The node's plugin does not offer Test Connection.",
  },
  AH_EXECUTION_NOT_FOUND: {
    status: 404,
    message: 'execution {id} {problem}',
    description:
      'No execution has that id, or it has nothing left to run or retry (its published workflow or request is gone).',
  },
  AH_EXECUTION_NOT_FINISHED: {
    status: 409,
    message: 'execution {id} is still {status}',
    description: 'Only a finished execution can be retried; wait for it or cancel it first.',
  },
  AH_EXECUTION_NOT_RUNNING: {
    status: 409,
    message: 'execution {id} is not running: {reason}',
    description: 'Only a queued or running execution can be cancelled (on the host that runs it).',
  },
  AH_EXECUTION_CANCELLED: {
    status: 409,
    message: 'the execution was cancelled {when}',
    description: 'Someone cancelled the execution (API, CLI) before it finished; retry it to run it again.',
  },
  AH_STEP_INTERRUPTED: {
    status: 503,
    message: 'the host stopped while this step was running; it is attempted again',
    description:
      'Recorded on a step a crash or a stop cut short (never an HTTP answer); the step runs again with the same idempotency key.',
  },
  AH_STEP_INTERRUPTED_TOO_OFTEN: {
    status: 500,
    message: 'the step was interrupted {times} times; it is not attempted again',
    description:
      'Recorded on a step that kept dying with its host (never an HTTP answer); find out why (the plugin may kill its worker), then retry the execution.',
  },
  AH_HOST_BUSY: {
    status: 503,
    message: 'the host has {backlog} events and executions waiting (limit {limit}); try again later',
    description:
      'More work is waiting than the engine drains in ACTIONHOST_MAX_BACKLOG_MS at its current rate (or than ACTIONHOST_MAX_BACKLOG); request writes are refused with a Retry-After of about the time it takes to drain.',
  },
} as const satisfies ErrorTable;
