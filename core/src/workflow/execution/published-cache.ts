// Published workflow versions kept in memory by the execution repositories of both stores: a version never changes
// once published, so every execution of it can share one copy (the oldest is dropped beyond `kept`).
import type { PublishedWorkflow } from '../definition/index.ts';

export class PublishedCache {
  readonly #kept: number;
  readonly #versions = new Map<string, PublishedWorkflow>();

  constructor(kept = 200) {
    this.#kept = kept;
  }

  /** The version from memory, else from `read` (kept when found). */
  async get(
    workflowId: string,
    version: number,
    read: () => PublishedWorkflow | null | Promise<PublishedWorkflow | null>,
  ): Promise<PublishedWorkflow | null> {
    const key = `${workflowId}@${version}`;
    const known = this.#versions.get(key);
    if (known) return known;
    const found = await read();
    if (!found) return null;
    if (this.#versions.size >= this.#kept) this.#versions.delete(this.#versions.keys().next().value!);
    this.#versions.set(key, found);
    return found;
  }
}
