export function ScouterPage() {
  return (
    <section>
      <h1>Scouter — live inference</h1>
      <p>Cameras, their pipelines, and the people they see, tracked live.</p>
    </section>
  );
}
