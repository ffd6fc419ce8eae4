// Sign-in with an API token (admin, editor or agent). The token is checked against GET /api/session and kept in
// this tab's sessionStorage only.
import { useState, type FormEvent } from 'react';
import { useSession } from '../session.tsx';
import { ErrorNotice, PageHeader, useAction } from '../ui.tsx';

export function SignIn() {
  const { signIn } = useSession();
  const [token, setToken] = useState('');
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    action.run(() => signIn(token.trim()));
  };
  return (
    <main id="main" className="signin">
      <PageHeader title="Sign in to actionhost" />
      <form onSubmit={submit} className="card">
        <p>
          Paste an API token. <code>npm start</code> prints the first admin&apos;s token once.
        </p>
        <div className="field">
          <label htmlFor="token">API token</label>
          <input
            id="token"
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            value={token}
            onChange={(event) => setToken(event.target.value)}
          />
        </div>
        <ErrorNotice error={action.error} title="Sign-in failed" />
        <button type="submit" className="button-primary" disabled={action.busy || token.trim() === ''}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
