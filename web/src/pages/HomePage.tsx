import { navigate } from '../lib/router.ts';

export function HomePage({ areas }: { areas: readonly { path: string; title: string; blurb: string }[] }) {
  return (
    <section className="home">
      <h1>Label video, track people live, see where they go.</h1>
      <div className="cards">
        {areas.map((a) => (
          <button key={a.path} className="card" onClick={() => navigate(a.path)}>
            <h2>{a.title}</h2>
            <p>{a.blurb}</p>
          </button>
        ))}
      </div>
    </section>
  );
}
