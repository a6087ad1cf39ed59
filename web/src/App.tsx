import { HawkPage } from './pages/hawk/HawkPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { KanohiPage } from './pages/KanohiPage.tsx';
import { ScouterPage } from './pages/scouter/ScouterPage.tsx';
import { TrainingPage } from './pages/training/TrainingPage.tsx';
import { navigate, usePath } from './lib/router.ts';
import { ServiceBadge } from './components/ServiceBadge.tsx';

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

export function App() {
  const path = usePath();
  const page = path.startsWith('/hawk') ? <HawkPage /> : path.startsWith('/scouter') ? <ScouterPage /> : path.startsWith('/kanohi') ? <KanohiPage /> : path.startsWith('/training') ? <TrainingPage /> : <HomePage areas={areas} />;
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
      </header>
      <main>{page}</main>
    </div>
  );
}
