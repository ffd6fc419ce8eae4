// name@range specs on the registry's command line.

/** "@acme/x@^1.2" → ["@acme/x", "^1.2"]; the scope's leading @ is not a separator. */
export function splitSpec(spec: string): [name: string, rest: string | undefined] {
  const at = spec.lastIndexOf('@');
  return at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, undefined];
}
