// A hand-built InvocationScope for calling a capability directly (without a sandbox): a real manifest,
// a real AbortSignal and deadline, and a log that records what the capability wrote.
import { PluginManifest, type Json, type LogLevel } from '@actionhost/sdk';
import type { InvocationScope } from '@actionhost/core';

export interface RecordedLog {
  level: LogLevel;
  message: string;
  data?: Json;
}

export interface ScopeOptions {
  /** capabilities.http.hosts of the manifest; undefined leaves http undeclared. */
  httpHosts?: string[];
  idempotencyKey?: string;
  /** ms from now until the invocation deadline (default 60 s). */
  deadlineInMs?: number;
  signal?: AbortSignal;
}

export function invocationScope(options: ScopeOptions = {}): InvocationScope & { logs: RecordedLog[] } {
  const manifest = PluginManifest.parse({
    name: '@test/http-caller',
    version: '1.0.0',
    title: 'HTTP caller',
    category: 'http-request',
    host: '^1.0.0',
    entry: 'dist/plugin.js',
    input: {},
    output: {},
    paths: ['success', 'failure'],
    capabilities: options.httpHosts ? { http: { hosts: options.httpHosts } } : {},
  });
  const logs: RecordedLog[] = [];
  return {
    invocationId: 'inv-test',
    idempotencyKey: options.idempotencyKey ?? 'idem-test-1',
    plugin: { name: manifest.name, version: manifest.version, manifest },
    signal: options.signal ?? new AbortController().signal,
    deadline: Date.now() + (options.deadlineInMs ?? 60_000),
    log: (level, message, data) => void logs.push(data === undefined ? { level, message } : { level, message, data }),
    bindings: {},
    logs,
  };
}
