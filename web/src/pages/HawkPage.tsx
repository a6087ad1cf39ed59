export function HawkPage() {
  return (
    <section>
      <h1>Hawk — annotation</h1>
      <p>Upload videos, label frames with boxes and attributes, merge annotators' work and approve it for export.</p>
    </section>
  );
}
