// Test servers and helpers every package's tests share, by package name (@actionhost/test/support): a recording
// HTTP target, a real forward proxy, the host started as a process, an invocation scope for capability tests, a test
// CA, a network namespace joined by a veth pair.
export * from './http-target.ts';
export * from './forward-proxy.ts';
export * from './host-process.ts';
export * from './invocation-scope.ts';
export * from './tls.ts';
export * from './netns.ts';
