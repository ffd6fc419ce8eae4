// The inert `zod` the guest bundle gets instead of the real one. Plugins build schemas at module top level
// (`z.object({...}).min(1)`), which must stay cheap in a fresh context per invocation: every property read
// and call returns the same stub. Validation belongs to the host (JSON Schema), so parsing throws.

/** The one stub all zod entry points share (a virtual module). */
export function zodStubCoreSource(): string {
  return (
    [
      '// inert stand-in for zod: schemas are validated by the host, not in the sandbox',
      'const parsing = new Set(["parse", "safeParse", "parseAsync", "safeParseAsync", "spa", "decode", "encode",',
      '  "decodeAsync", "encodeAsync", "safeDecode", "safeEncode", "safeDecodeAsync", "safeEncodeAsync"]);',
      'function refuse() {',
      '  throw new Error("zod is not available inside the actionhost sandbox: the host validates input and output " +',
      '    "against the JSON Schemas in plugin.json before and after run(), so do not call .parse() in plugin code");',
      '}',
      'function describe() { return "[zod schema: validated by the host]"; }',
      'function target() {}',
      'const stub = new Proxy(target, {',
      '  get(_target, key) {',
      '    if (typeof key === "symbol") return key === Symbol.toPrimitive ? describe : undefined;',
      '    if (key === "then") return undefined;',
      '    if (key === "toString" || key === "toJSON") return describe;',
      '    if (parsing.has(key)) return refuse;',
      '    return stub;',
      '  },',
      '  apply() { return stub; },',
      '  construct() { return stub; },',
      '});',
      'export default stub;',
    ].join('\n') + '\n'
  );
}

/** One zod entry point ("zod", "zod/v4", ...): every named export the real module has, bound to the stub. */
export function zodStubSource(coreSpecifier: string, exportNames: readonly string[]): string {
  const names = exportNames.filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
  if (!names.includes('z')) names.push('z');
  return (
    [
      `import stub from ${JSON.stringify(coreSpecifier)};`,
      'export default stub;',
      // `export { stub as catch }`: zod has exports named like keywords (catch, enum, function...)
      `export { ${names.map((name) => `stub as ${name}`).join(', ')} };`,
    ].join('\n') + '\n'
  );
}
