// The console's shell: sign-in, the navigation the role may use, and one screen per URL.
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Link, match, navigate, useLocation } from './router.tsx';
import { can, useSession, type Role } from './session.tsx';
import { SignIn } from './screens/SignIn.tsx';
import { Workflows } from './screens/Workflows.tsx';
import { WorkflowVersions } from './screens/WorkflowVersions.tsx';
import { Requests } from './screens/Requests.tsx';
import { RequestPage } from './screens/RequestPage.tsx';
import { ConfigurationItems } from './screens/ConfigurationItems.tsx';
import { Executions } from './screens/Executions.tsx';
import { ExecutionPage } from './screens/ExecutionPage.tsx';
import { Loading, PageHeader } from './ui.tsx';

// The designer (and React Flow with it) is its own chunk: agents and the list screens never load it.
const Designer = lazy(() => import('./designer/Designer.tsx').then((module) => ({ default: module.Designer })));
// The admin screens are loaded when an admin opens them: the first load stays what every role needs.
const Plugins = lazy(() => import('./screens/Plugins.tsx').then((module) => ({ default: module.Plugins })));
const Credentials = lazy(() => import('./screens/Credentials.tsx').then((module) => ({ default: module.Credentials })));
const Applications = lazy(() =>
  import('./screens/Applications.tsx').then((module) => ({ default: module.Applications })),
);
const Connectors = lazy(() => import('./screens/Connectors.tsx').then((module) => ({ default: module.Connectors })));
const Tokens = lazy(() => import('./screens/Tokens.tsx').then((module) => ({ default: module.Tokens })));

interface Screen {
  pattern: string;
  role: Role;
  render: (params: Record<string, string>) => ReactNode;
}

const SCREENS: Screen[] = [
  { pattern: '/workflows', role: 'editor', render: () => <Workflows /> },
  { pattern: '/workflows/:id', role: 'editor', render: (p) => <Designer id={p.id} /> },
  { pattern: '/workflows/:id/versions', role: 'editor', render: (p) => <WorkflowVersions id={p.id} /> },
  { pattern: '/requests', role: 'agent', render: () => <Requests /> },
  { pattern: '/requests/:id', role: 'agent', render: (p) => <RequestPage id={Number(p.id)} /> },
  { pattern: '/cis', role: 'agent', render: () => <ConfigurationItems /> },
  { pattern: '/executions', role: 'editor', render: () => <Executions /> },
  { pattern: '/executions/:id', role: 'editor', render: (p) => <ExecutionPage id={p.id} /> },
  { pattern: '/plugins', role: 'admin', render: () => <Plugins /> },
  { pattern: '/credentials', role: 'admin', render: () => <Credentials /> },
  { pattern: '/applications', role: 'admin', render: () => <Applications /> },
  { pattern: '/tokens', role: 'admin', render: () => <Tokens /> },
  { pattern: '/connectors', role: 'admin', render: () => <Connectors /> },
];

const NAVIGATION: { to: string; label: string; role: Role }[] = [
  { to: '/workflows', label: 'Workflows', role: 'editor' },
  { to: '/executions', label: 'Executions', role: 'editor' },
  { to: '/requests', label: 'Requests', role: 'agent' },
  { to: '/cis', label: 'Configuration Items', role: 'agent' },
  { to: '/plugins', label: 'Plugins', role: 'admin' },
  { to: '/credentials', label: 'API Credentials', role: 'admin' },
  { to: '/applications', label: 'Applications', role: 'admin' },
  { to: '/connectors', label: 'Connectors', role: 'admin' },
  { to: '/tokens', label: 'API Tokens', role: 'admin' },
];

function home(role: Role): string {
  return role === 'agent' ? '/requests' : '/workflows';
}

export function App() {
  const { session, checking, signOut } = useSession();
  const { path } = useLocation();

  useEffect(() => {
    // The first screen is on the page and answers input: what the load-time measurement reads.
    performance.mark('console-interactive');
  }, []);

  useEffect(() => {
    // Focus moves to the new screen's heading, so keyboard and screen-reader users land on what changed.
    const heading = document.getElementById('page-title');
    if (heading && document.activeElement === document.body) heading.focus({ preventScroll: true });
  }, [path]);

  useEffect(() => {
    if (!session) return;
    if (path === '/' || path === '/signin') navigate(home(session.role), { replace: true });
  }, [session, path]);

  if (checking) return <p role="status">Checking your session…</p>;
  if (!session) return <SignIn />;

  let content: ReactNode = null;
  for (const screen of SCREENS) {
    const params = match(screen.pattern, path);
    if (!params) continue;
    content = can(session.role, screen.role) ? (
      screen.render(params)
    ) : (
      <>
        <PageHeader title="Not available to your role" />
        <p role="alert" className="notice notice-error">
          This screen needs the {screen.role} role; you are signed in as {session.role}.
        </p>
      </>
    );
    break;
  }
  if (content === null && path !== '/' && path !== '/signin') {
    content = (
      <>
        <PageHeader title="Page not found" />
        <p>
          There is no screen at this address. <Link to={home(session.role)}>Go to the start page</Link>.
        </p>
      </>
    );
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">actionhost</span>
        <nav aria-label="Main">
          <ul>
            {NAVIGATION.filter((item) => can(session.role, item.role)).map((item) => (
              <li key={item.to}>
                <Link
                  to={item.to}
                  aria-current={path === item.to || path.startsWith(item.to + '/') ? 'page' : undefined}
                >
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span title={`${session.name} (${session.role})`}>
            {session.name} <span className="muted">({session.role})</span>
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading what="the screen" />}>{content}</Suspense>
      </main>
    </div>
  );
}
