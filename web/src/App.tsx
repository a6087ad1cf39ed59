import { HawkPage } from './pages/hawk/HawkPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { KanohiPage } from './pages/KanohiPage.tsx';
import { ScouterPage } from './pages/scouter/ScouterPage.tsx';
import { TrainingPage } from './pages/training/TrainingPage.tsx';
import { navigate, usePath } from './lib/router.ts';
import { ServiceBadge } from './components/ServiceBadge.tsx';
import { LoginView } from './components/LoginView.tsx';
import { loadWebConfig } from './lib/config.ts';
import { authHeaders, storeSession, useSession } from './lib/session.ts';
import { useEffect, useState } from 'react';
import type { ServiceName } from '@sightline/contracts';

const areas = [
  { path: '/hawk', title: 'Hawk', blurb: 'Annotate video' },
  { path: '/scouter', title: 'Scouter', blurb: 'Live detection and tracking' },
  { path: '/kanohi', title: 'Kanohi', blurb: 'Floor map' },
  { path: '/training', title: 'Training', blurb: 'Attribute heads from Hawk labels' },
] as const;

function Link({ to, children }: { to: string; children: React.ReactNode }) {
  return (
    <a
      href={to}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** The base URL of a service, once /config.json has answered. */
function useServiceUrl(service: ServiceName): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    void loadWebConfig().then((c) => setUrl(c.services[service]), () => undefined);
  }, [service]);
  return url;
}

export function App() {
  const path = usePath();
  const session = useSession();
  // Each area logs in at its own service (any of the three accepts it), so a page works even when
  // the other services are down.
  const service: ServiceName = path.startsWith('/scouter') ? 'scouter' : path.startsWith('/kanohi') ? 'kanohi' : 'hawk';
  const serviceUrl = useServiceUrl(service);
  const page = !session ? (
    serviceUrl ? <LoginView serviceUrl={serviceUrl} /> : null
  ) : path.startsWith('/hawk') ? (
    <HawkPage />
  ) : path.startsWith('/scouter') ? (
    <ScouterPage />
  ) : path.startsWith('/kanohi') ? (
    <KanohiPage />
  ) : path.startsWith('/training') ? (
    <TrainingPage />
  ) : (
    <HomePage areas={areas} />
  );
  const logout = async () => {
    if (serviceUrl) await fetch(`${serviceUrl}/auth/logout`, { method: 'POST', credentials: 'include', headers: authHeaders() }).catch(() => undefined);
    storeSession(null);
  };
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/">
          <strong>Sightline</strong>
        </Link>
        <nav>
          {areas.map((a) => (
            <Link key={a.path} to={a.path}>
              <span className={path.startsWith(a.path) ? 'active' : ''}>{a.title}</span>
            </Link>
          ))}
        </nav>
        <div className="badges">
          <ServiceBadge service="hawk" />
          <ServiceBadge service="scouter" />
          <ServiceBadge service="kanohi" />
        </div>
        {session && (
          <div className="account">
            <span className="muted" data-testid="session-user">
              {session.user.username} ({session.user.role})
            </span>
            <button onClick={() => void logout()} data-testid="logout">
              Log out
            </button>
          </div>
        )}
      </header>
      <main>{page}</main>
    </div>
  );
}
