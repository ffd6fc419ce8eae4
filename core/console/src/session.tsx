// The signed-in token's name and role, for the whole console. Which screens a role sees follows the API's own
// role table (admin: everything; editor: workflows and executions; agent: requests and CIs); the server decides.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, currentToken, SIGNED_OUT_EVENT, storeToken } from './api.ts';

export type Role = 'admin' | 'editor' | 'agent';

export interface Session {
  name: string;
  role: Role;
}

interface SessionState {
  session: Session | null;
  /** True while a stored token is being checked after a reload. */
  checking: boolean;
  signIn: (token: string) => Promise<void>;
  signOut: () => void;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(currentToken() !== null);

  const signOut = useCallback(() => {
    storeToken(null);
    setSession(null);
  }, []);

  useEffect(() => {
    const token = currentToken();
    if (token) {
      api<Session>('GET', '/api/session')
        .then((found) => setSession({ name: found.name, role: found.role }))
        .catch(() => storeToken(null))
        .finally(() => setChecking(false));
    }
    window.addEventListener(SIGNED_OUT_EVENT, signOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, signOut);
  }, [signOut]);

  const signIn = useCallback(async (token: string) => {
    const found = await api<Session>('GET', '/api/session', undefined, { token });
    storeToken(token);
    setSession({ name: found.name, role: found.role });
  }, []);

  return <SessionContext.Provider value={{ session, checking, signIn, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** Whether a role may use what needs `needed` (admin passes everywhere), as the API's roleAllows. */
export function can(role: Role | undefined, needed: Role): boolean {
  return role === 'admin' || role === needed;
}
