import type { Camera, Flow, FlowCheckResult } from '@sightline/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { droppedLabel, STAT_HELP } from './labels.ts';
import { checkFlow, listFlows, saveFlow, startFlow, stopFlow } from './scouter-api.ts';

const EXAMPLE = [
  "CREATE SOURCE lobby TYPE video WITH uri='file:///videos/lobby.mp4', fps=10, loop=true;",
  "CREATE STREAM people AS SELECT track(detect(frame, model='centernet')) FROM lobby WHERE class='person';",
  'INSERT INTO postgres FROM people;',
  'INSERT INTO live FROM people;',
].join('\n');

/** Character offset of a 1-based line and column in `text`. */
function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i]!.length + 1;
  return offset + column - 1;
}

/** Stored flows (start, stop, their cameras' live statistics) and an editor checked as one types. */
export function FlowEditor({ base, cameras, onChanged }: { base: string; cameras: Camera[]; onChanged: () => void }) {
  const [flows, setFlows] = useState<Flow[]>([]);
  const [name, setName] = useState('people');
  const [source, setSource] = useState(EXAMPLE);
  const [check, setCheck] = useState<FlowCheckResult>();
  const [message, setMessage] = useState<string>();
  const text = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);

  const load = useCallback(() => void listFlows(base).then(setFlows).catch((err: Error) => setMessage(err.message)), [base]);
  useEffect(load, [load, cameras.length]);

  // The same compiler as saving and `sightline flow check`, a moment after typing stops.
  useEffect(() => {
    const abort = new AbortController();
    const timer = setTimeout(() => {
      void checkFlow(base, source, abort.signal)
        .then(setCheck)
        .catch((err: Error) => !abort.signal.aborted && setMessage(err.message));
    }, 250);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [base, source]);

  async function act(what: () => Promise<unknown>, done: string) {
    setMessage(undefined);
    try {
      await what();
      setMessage(done);
      load();
      onChanged();
    } catch (err) {
      setMessage((err as Error).message);
    }
  }

  function jump(line: number, column: number) {
    const t = text.current;
    if (!t) return;
    const at = offsetOf(source, line, column);
    t.focus();
    t.setSelectionRange(at, at + 1);
  }

  const errorLines = new Set(check?.errors.map((e) => e.line) ?? []);
  const lineCount = source.split('\n').length;
  return (
    <div className="flow-editor" data-testid="flow-editor">
      <div style={{ flex: '2 1 520px' }}>
        <p>
          <label>
            Flow name <input aria-label="Flow name" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="button" disabled={!check?.ok} onClick={() => void act(() => saveFlow(base, name, source), `Saved ${name}.`)}>
            Save
          </button>
          <button type="button" disabled={!check?.ok} onClick={() => void act(async () => (await saveFlow(base, name, source), await startFlow(base, name)), `Saved and started ${name}.`)}>
            Save and start
          </button>
        </p>
        <div className="flow-code">
          <div className="flow-gutter" ref={gutter} aria-hidden="true" data-testid="flow-gutter">
            {Array.from({ length: lineCount }, (_, i) => (
              <div key={i} className={errorLines.has(i + 1) ? 'has-error' : ''} data-line={i + 1} data-error={errorLines.has(i + 1) ? 'true' : undefined}>
                {i + 1}
              </div>
            ))}
          </div>
          <textarea
            ref={text}
            aria-label="Flow source"
            spellCheck={false}
            value={source}
            rows={Math.max(8, lineCount + 1)}
            onChange={(e) => setSource(e.target.value)}
            onScroll={(e) => gutter.current && (gutter.current.scrollTop = e.currentTarget.scrollTop)}
          />
        </div>
        {check && !check.ok && (
          <ul className="flow-problems" data-testid="flow-problems">
            {check.errors.map((e, i) => (
              <li key={i} data-line={e.line} data-column={e.column}>
                <button type="button" onClick={() => jump(e.line, e.column)}>
                  line {e.line}, column {e.column}
                </button>{' '}
                {e.message}
              </li>
            ))}
          </ul>
        )}
        {check?.ok && (
          <div data-testid="flow-plan">
            <strong>Plan</strong> ({check.pipelines.length} pipeline{check.pipelines.length === 1 ? '' : 's'}):
            <ul>
              {check.pipelines.map((p) => (
                <li key={p}>
                  <code>{p}</code>
                </li>
              ))}
            </ul>
            {check.warnings.map((w) => (
              <p key={w} className="muted">
                warning {w}
              </p>
            ))}
          </div>
        )}
        {message && <p role="status">{message}</p>}
      </div>
      <div className="flow-side">
        <h3>Stored flows</h3>
        {flows.length === 0 && <p className="muted">None yet.</p>}
        <ul data-testid="flow-list">
          {flows.map((f) => (
            <li key={f.id} data-flow={f.name} data-flow-state={f.state}>
              <strong>{f.name}</strong> — {f.state}{' '}
              <button type="button" onClick={() => (setName(f.name), setSource(f.source))}>
                Edit
              </button>
              {f.state === 'running' ? (
                <button type="button" onClick={() => void act(() => stopFlow(base, f.name), `Stopped ${f.name}.`)}>
                  Stop
                </button>
              ) : (
                <button type="button" onClick={() => void act(() => startFlow(base, f.name), `Started ${f.name}.`)}>
                  Start
                </button>
              )}
              <ul>
                {f.pipelines.map((p) => {
                  const cam = cameras.find((c) => c.id === p.cameraId);
                  return (
                    <li key={p.name} data-pipeline={p.name}>
                      {p.name} on camera {p.cameraName}
                      {cam ? (
                        <>
                          {' '}
                          — {cam.state} · <span title={STAT_HELP.fps}>processed {cam.stats.fps.toFixed(1)} fps</span> ·{' '}
                          <span title={STAT_HELP.dropped}>{droppedLabel(cam.stats)}</span>
                        </>
                      ) : (
                        ' — not started yet'
                      )}
                    </li>
                  );
                })}
              </ul>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
