// Generated initial passwords: made on the host, set in the directory, and kept (sealed) for an admin to retrieve
// once. The plugin that asked never sees one: it gets an id. The store itself is a port the host wires in.
import { randomInt } from 'node:crypto';
import type { InvocationBindings } from '../capability.ts';

/** Where a generated initial password waits for an admin to retrieve it once (the applications concern's store). */
export interface InitialPasswordVault {
  /** Keeps `password` (sealed) and returns the id an admin retrieves it with. */
  keep(entry: {
    applicationId: string;
    dn: string;
    password: string;
    plugin: string;
    bindings: InvocationBindings;
  }): Promise<string> | string;
  /** Forgets a password the directory did not take. */
  discard(id: string): Promise<void> | void;
  /** Forgets the passwords not yet retrieved of an entry that was deleted (a rolled-back or deleted user). */
  forget(applicationId: string, dn: string): Promise<void> | void;
}

const CLASSES = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!%+-=?@_*'];
const ALL = CLASSES.join('');

/**
 * A strong password for AD's complexity rule: 24 characters (~140 bits) with every class present, and never
 * containing `avoid` (AD refuses a password that contains the account name). Unambiguous characters only, since
 * an admin may read it out to a new hire.
 */
export function generateInitialPassword(avoid = '', length = 24): string {
  for (;;) {
    const chars = CLASSES.map((set) => set[randomInt(set.length)]);
    while (chars.length < length) chars.push(ALL[randomInt(ALL.length)]);
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j], chars[i]];
    }
    const password = chars.join('');
    if (avoid.length < 3 || !password.toLowerCase().includes(avoid.toLowerCase())) return password;
  }
}
