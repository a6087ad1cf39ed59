import type { HawkAnnotations, HawkAttributeValues, HawkBox, HawkPrelabelJob, HawkProject, HawkTrack, HawkUser, HawkVideo, HawkXyxy } from '@sightline/contracts';
import { navigate } from '../../lib/router.ts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from './api.ts';
import { AttributePanel } from './AttributePanel.tsx';
import { clampBox, handleAt, insideBox, paint, resizeBox, toImage, type View } from './canvas-draw.ts';
import { Editor, fromServer, shownBoxes, trackBoxAt, withKeyframe } from './editor-state.ts';
import { ObjectList } from './ObjectList.tsx';
import { ReviewPanel } from './ReviewPanel.tsx';
import { TimelineBar } from './TimelineBar.tsx';
import { FrameCache } from './frame-cache.ts';
import { PrelabelPanel } from './PrelabelPanel.tsx';
import { describeRebase, rebaseEdits } from './rebase-edits.ts';

type Drag = { kind: 'draw'; from: [number, number]; to: [number, number] } | { kind: 'move'; key: string; from: [number, number]; start: HawkXyxy; now: HawkXyxy } | { kind: 'resize'; key: string; corner: number; start: HawkXyxy; now: HawkXyxy } | { kind: 'pan'; from: [number, number]; view: View };
type SaveState = 'saved' | 'dirty' | 'saving' | 'conflict' | 'error';

let nextId = Date.now() % 1e9;
const newId = (prefix: string) => `${prefix}${(nextId++).toString(36)}`;

/**
 * The labeling canvas of one annotation set. A replica opens at the first frame of its assignment
 * and cannot leave its range (the server refuses saves outside it too). Frame numbers shown count from 1.
 */
export function LabelView({ setId, user }: { setId: number; user: HawkUser }) {
  const [meta, setMeta] = useState<{ video: HawkVideo; project: HawkProject; kind: string; annotator: string | null; lo: number; hi: number; rangeFrom: number; rangeTo: number } | null>(null);
  const [editor, setEditor] = useState<Editor | null>(null);
  // `?frame=N` (from 1) opens at that frame, e.g. from the merge report.
  const [frame, setFrame] = useState(() => Math.max(0, (Number(new URLSearchParams(window.location.search).get('frame')) || 1) - 1));
  const [selected, setSelected] = useState<string | null>(null);
  const [currentClass, setCurrentClass] = useState('');
  const [trackMode, setTrackMode] = useState(false);
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const [message, setMessage] = useState('');
  const [rebaseReport, setRebaseReport] = useState<{ text: string; kept: number; dropped: number } | null>(null);
  const [zoom, setZoom] = useState<View | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [image, setImage] = useState<{ frame: number; bitmap: ImageBitmap } | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [locked, setLocked] = useState<ReadonlySet<string>>(new Set());
  // The box just drawn is selected, but a class hotkey right after drawing picks the class for the
  // next box; it relabels only a box the user selected on purpose (click, Tab, object list).
  const justDrawn = useRef<string | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const editorRef = useRef<Editor | null>(null);
  const saving = useRef(false);
  editorRef.current = editor;

  const load = useCallback(async () => {
    const a = await api<HawkAnnotations>('GET', `/sets/${setId}/annotations`);
    const video = await api<HawkVideo>('GET', `/videos/${a.set.videoId}`);
    const project = await api<HawkProject>('GET', `/projects/${video.projectId}`);
    const lo = a.set.kind === 'replica' ? (a.set.frameFrom ?? 0) : 0;
    const hi = a.set.kind === 'replica' ? (a.set.frameTo ?? video.frameCount - 1) : video.frameCount - 1;
    setMeta({ video, project, kind: a.set.kind, annotator: a.set.annotator, lo, hi, rangeFrom: a.set.frameFrom ?? lo, rangeTo: a.set.frameTo ?? hi });
    setFrame((f) => Math.max(lo, Math.min(hi, f)));
    setEditor(new Editor(fromServer(a), a.set.version));
    setCurrentClass((c) => c || project.labelSchema.classes[0]!.name);
    setSaveState('saved');
    setMessage('');
    setRebaseReport(null);
  }, [setId]);
  useEffect(() => {
    load().catch((err: Error) => setMessage(err.message));
  }, [load]);

  // Reload after a conflict: the latest version with the unsaved edits replayed on top; edits of
  // objects the other side changed are dropped and listed. The result autosaves as usual.
  const reload = useCallback(async () => {
    const ed = editorRef.current;
    if (!ed?.dirty) return load();
    const a = await api<HawkAnnotations>('GET', `/sets/${setId}/annotations`);
    const latest = fromServer(a);
    setMessage('');
    const result = rebaseEdits(ed.base, ed.doc, latest, { frames: ed.dirtyFrames, tracks: ed.dirtyTracks });
    const next = ed.rebased(latest, a.set.version, result.doc, result.dirtyFrames, result.dirtyTracks);
    setEditor(next);
    setSaveState(next.dirty ? 'dirty' : 'saved');
    setRebaseReport({ text: describeRebase(result, a.set.version), kept: result.kept.length, dropped: result.dropped.length });
  }, [setId, load]);

  const cache = useMemo(() => (meta ? new FrameCache(meta.video.id, meta.video.frameCount) : null), [meta?.video.id, meta?.video.frameCount]);
  const width = meta?.video.width ?? 1;
  const height = meta?.video.height ?? 1;
  const baseView = useMemo<View>(() => ({ scale: Math.min(960 / width, 600 / height), panX: 0, panY: 0 }), [width, height]);
  const view = zoom ?? baseView;

  // Frame loading: draw from the prefetch cache, then warm the frames around the cursor.
  useEffect(() => {
    if (!cache) return;
    let live = true;
    void cache.get(frame).then((bitmap) => live && setImage({ frame, bitmap }), (err: Error) => setMessage(err.message));
    cache.prefetch(frame);
    return () => {
      live = false;
    };
  }, [cache, frame]);

  const boxes = useMemo(() => (editor ? shownBoxes(editor.doc, frame).filter((b) => !hidden.has(b.key)) : []), [editor, frame, hidden]);
  // Short track numbers (#1, #2, ...) in order of first appearance, stable while the set is open.
  const trackNumbers = useMemo(() => {
    const tracks = Object.values(editor?.doc.tracks ?? {}).sort((a, b) => a.keyframes[0]!.frame - b.keyframes[0]!.frame || (a.id < b.id ? -1 : 1));
    return new Map(tracks.map((t, i) => [t.id, i + 1]));
  }, [editor?.doc.tracks]);
  const schema = meta?.project.labelSchema;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !schema) return;
    const ctx = canvas.getContext('2d')!;
    const shown = drag && (drag.kind === 'move' || drag.kind === 'resize') ? boxes.map((b) => (b.key === drag.key ? { ...b, xyxy: drag.now } : b)) : boxes;
    const preview = drag?.kind === 'draw' ? ([Math.min(drag.from[0], drag.to[0]), Math.min(drag.from[1], drag.to[1]), Math.max(drag.from[0], drag.to[0]), Math.max(drag.from[1], drag.to[1])] as HawkXyxy) : null;
    paint(ctx, view, image?.frame === frame ? image.bitmap : null, shown, selected, schema, preview, trackNumbers);
    if (image?.frame === frame) {
      canvas.dataset.frameShown = String(frame);
      (window as unknown as { __hawkFrameShown?: { frame: number; at: number } }).__hawkFrameShown = { frame, at: performance.now() };
    }
  }, [boxes, drag, frame, image, schema, selected, view, trackNumbers]);

  const save = useCallback(async () => {
    const ed = editorRef.current;
    if (!ed || !ed.dirty || saving.current) return;
    saving.current = true;
    setSaveState('saving');
    try {
      const { version } = await api<{ version: number }>('PATCH', `/sets/${setId}/annotations`, ed.saveBody());
      setEditor((cur) => cur!.saved(version, ed.doc));
      setSaveState(editorRef.current?.doc === ed.doc ? 'saved' : 'dirty');
      setMessage('');
    } catch (err) {
      setSaveState(err instanceof ApiError && err.status === 409 ? 'conflict' : 'error');
      setMessage((err as Error).message);
    } finally {
      saving.current = false;
    }
  }, [setId]);

  // Autosave shortly after the last edit.
  useEffect(() => {
    if (!editor?.dirty || saveState === 'conflict') return;
    setSaveState((s) => (s === 'saving' ? s : 'dirty'));
    const timer = setTimeout(() => void save(), 700);
    return () => clearTimeout(timer);
  }, [editor, save]);

  // The model's boxes arrive as a new version: reload at once when nothing is unsaved; otherwise the
  // conflict's Reload replays the unsaved edits on top of them.
  const onPrelabeled = (job: HawkPrelabelJob) => {
    if (editorRef.current?.dirty) {
      setSaveState('conflict');
      setMessage(`Pre-labels were written as version ${job.appliedVersion} while you had unsaved edits: reload to see them with your edits on top.`);
    } else {
      // Taken in as one undo step, so Undo removes the pre-labels like any other edit.
      void api<HawkAnnotations>('GET', `/sets/${setId}/annotations`).then(
        (a) => setEditor((ed) => (ed && !ed.dirty ? ed.absorbed(fromServer(a), a.set.version) : ed)),
        (err: Error) => setMessage(err.message),
      );
    }
  };

  const edit = (fn: (ed: Editor) => Editor) => setEditor((ed) => (ed ? fn(ed) : ed));
  const defaults = (label: string): HawkAttributeValues => Object.fromEntries((schema?.classes.find((c) => c.name === label)?.attributes ?? []).map((a) => [a.name, a.default]));

  const updateBox = (key: string, change: { xyxy?: HawkXyxy; label?: string; attributes?: HawkAttributeValues }) =>
    edit((ed) => {
      if (key.startsWith('t:')) {
        const track = ed.doc.tracks[key.slice(2)]!;
        const current = shownBoxes(ed.doc, frame).find((b) => b.key === key);
        let next: HawkTrack = { ...track, label: change.label ?? track.label, attributes: change.attributes ?? track.attributes };
        if (change.xyxy) next = withKeyframe(next, frame, change.xyxy);
        else if (change.label && change.label !== track.label) next = { ...next, attributes: defaults(change.label) };
        return current ? ed.putTrack(next) : ed;
      }
      const id = key.slice(2);
      const list = (ed.doc.frames[String(frame)] ?? []).map((b): HawkBox => (b.id === id ? { ...b, ...change, ...(change.label && change.label !== b.label && !change.attributes ? { attributes: defaults(change.label) } : {}) } : b));
      return ed.setFrameBoxes(frame, list);
    });

  const removeSelected = () => {
    if (!selected || locked.has(selected)) return;
    if (selected.startsWith('t:')) edit((ed) => ed.deleteTrack(selected.slice(2)));
    else edit((ed) => ed.setFrameBoxes(frame, (ed.doc.frames[String(frame)] ?? []).filter((b) => b.id !== selected.slice(2))));
    setSelected(null);
  };

  const toggleOutside = () => {
    if (!selected?.startsWith('t:')) return;
    // Visible here: it leaves (outside from this frame). Not visible (outside, or before its first
    // keyframe): it comes back here at its last known box.
    edit((ed) => {
      const track = ed.doc.tracks[selected.slice(2)]!;
      const shown = trackBoxAt(track.keyframes, frame);
      const before = [...track.keyframes].reverse().find((k) => k.frame <= frame) ?? track.keyframes[0]!;
      return ed.putTrack(withKeyframe(track, frame, shown ?? before.xyxy, shown !== null));
    });
  };

  const go = (f: number) => meta && setFrame(Math.max(meta.lo, Math.min(meta.hi, f)));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // The frame slider does not keep the keys: A/D step frames after using it.
      if (!schema || (e.target as HTMLElement).closest('input:not([type=range]), select, textarea')) return;
      const k = e.key;
      if ((e.ctrlKey || e.metaKey) && k.toLowerCase() === 'z') edit((ed) => (e.shiftKey ? ed.redo() : ed.undo()));
      else if ((e.ctrlKey || e.metaKey) && k.toLowerCase() === 'y') edit((ed) => ed.redo());
      else if ((e.ctrlKey || e.metaKey) && k.toLowerCase() === 's') void save();
      else if (k === 'ArrowRight' || k === 'd') go(frame + 1);
      else if (k === 'ArrowLeft' || k === 'a') go(frame - 1);
      else if (k === 'Tab') {
        const i = boxes.findIndex((b) => b.key === selected);
        justDrawn.current = null;
        setSelected(boxes.length ? boxes[(i + (e.shiftKey ? boxes.length - 1 : 1)) % boxes.length]!.key : null);
      } else if (k === 'Delete' || k === 'Backspace') removeSelected();
      else if (k === 't') setTrackMode((m) => !m);
      else if (k === 'o') toggleOutside();
      else if (k === '0') setZoom(null);
      else if (k === 'Escape') setSelected(null);
      else {
        const cls = schema.classes.find((c, i) => (c.hotkey ?? String(i + 1)) === k);
        if (!cls) return;
        setCurrentClass(cls.name);
        if (selected && selected !== justDrawn.current && !locked.has(selected)) updateBox(selected, { label: cls.name });
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (!meta || !editor || !schema) return <p>{message || 'Loading…'}</p>;

  const point = (e: React.MouseEvent): [number, number] => {
    const r = canvasRef.current!.getBoundingClientRect();
    return toImage(view, e.clientX - r.left, e.clientY - r.top);
  };
  const onDown = (e: React.MouseEvent) => {
    const p = point(e);
    if (e.shiftKey || e.button === 1) return setDrag({ kind: 'pan', from: [e.clientX, e.clientY], view });
    const sel = boxes.find((b) => b.key === selected);
    const corner = sel && !locked.has(sel.key) ? handleAt(view, sel.xyxy, p[0], p[1]) : -1;
    if (sel && corner >= 0) return setDrag({ kind: 'resize', key: sel.key, corner, start: sel.xyxy, now: sel.xyxy });
    const hit = [...boxes].reverse().find((b) => insideBox(b.xyxy, p[0], p[1]));
    if (hit) {
      justDrawn.current = null;
      setSelected(hit.key);
      if (locked.has(hit.key)) return;
      return setDrag({ kind: 'move', key: hit.key, from: p, start: hit.xyxy, now: hit.xyxy });
    }
    setSelected(null);
    setDrag({ kind: 'draw', from: p, to: p });
  };
  const onMove = (e: React.MouseEvent) => {
    if (!drag) return;
    const p = point(e);
    if (drag.kind === 'pan') setZoom({ ...drag.view, panX: drag.view.panX + e.clientX - drag.from[0], panY: drag.view.panY + e.clientY - drag.from[1] });
    else if (drag.kind === 'draw') setDrag({ ...drag, to: p });
    else if (drag.kind === 'move') {
      const dx = p[0] - drag.from[0];
      const dy = p[1] - drag.from[1];
      setDrag({ ...drag, now: [drag.start[0] + dx, drag.start[1] + dy, drag.start[2] + dx, drag.start[3] + dy] });
    } else setDrag({ ...drag, now: resizeBox(drag.start, drag.corner, p[0], p[1]) });
  };
  const onUp = () => {
    const d = drag;
    setDrag(null);
    if (!d || d.kind === 'pan') return;
    if (d.kind === 'draw') {
      const xyxy = clampBox([Math.min(d.from[0], d.to[0]), Math.min(d.from[1], d.to[1]), Math.max(d.from[0], d.to[0]), Math.max(d.from[1], d.to[1])], width, height);
      if (xyxy[2] - xyxy[0] < 3 || xyxy[3] - xyxy[1] < 3) return;
      if (trackMode) {
        const id = newId('t');
        edit((ed) => ed.putTrack({ id, label: currentClass, attributes: defaults(currentClass), keyframes: [{ frame, xyxy, outside: false }] }));
        setSelected(`t:${id}`);
        justDrawn.current = `t:${id}`;
      } else {
        const id = newId('b');
        edit((ed) => ed.setFrameBoxes(frame, [...(ed.doc.frames[String(frame)] ?? []), { id, label: currentClass, xyxy, attributes: defaults(currentClass) }]));
        setSelected(`b:${id}`);
        justDrawn.current = `b:${id}`;
      }
      return;
    }
    if (d.now.every((v, i) => v === d.start[i])) return;
    updateBox(d.key, { xyxy: clampBox(d.now, width, height) });
  };
  const onWheel = (e: React.WheelEvent) => {
    const r = canvasRef.current!.getBoundingClientRect();
    const [ix, iy] = toImage(view, e.clientX - r.left, e.clientY - r.top);
    const scale = Math.max(baseView.scale * 0.5, Math.min(baseView.scale * 8, view.scale * (e.deltaY < 0 ? 1.15 : 1 / 1.15)));
    setZoom({ scale, panX: e.clientX - r.left - ix * scale, panY: e.clientY - r.top - iy * scale });
  };
  const sel = boxes.find((b) => b.key === selected) ?? null;
  const cssW = Math.round(width * baseView.scale);
  const cssH = Math.round(height * baseView.scale);

  return (
    <div className="hawk-label">
      <div className="hawk-stage">
        <div className="hawk-toolbar">
          <a href={`/hawk/videos/${meta.video.id}`} onClick={(e) => (e.preventDefault(), navigate(`/hawk/videos/${meta.video.id}`))} data-testid="hawk-back-to-video">
            <strong>{meta.video.fileName}</strong>
          </a>
          <span className="muted">
            set {setId} ({meta.kind}
            {meta.annotator ? `, ${meta.annotator}` : ''})
          </span>
          <button onClick={() => setTrackMode((m) => !m)} data-testid="hawk-track-mode" className={trackMode ? 'active' : ''}>
            {trackMode ? 'Track mode' : 'Box mode'}
          </button>
          <button onClick={() => edit((ed) => ed.undo())} disabled={!editor.canUndo} data-testid="hawk-undo">Undo</button>
          <button onClick={() => edit((ed) => ed.redo())} disabled={!editor.canRedo} data-testid="hawk-redo">Redo</button>
          <button onClick={() => void save()} data-testid="hawk-save">Save</button>
          <span data-testid="hawk-save-state" data-state={saveState} data-version={editor.version} className={`save-${saveState}`}>
            {saveState === 'saved' ? `saved (v${editor.version})` : saveState}
          </span>
          <span className="muted" data-testid="hawk-zoom" data-zoom={Math.round(view.scale * 100)} title="screen pixels per video pixel; 0 resets">
            zoom {Math.round(view.scale * 100)}%
          </span>
          {saveState === 'conflict' && <button onClick={() => void reload().catch((err: Error) => setMessage(err.message))} data-testid="hawk-reload">Reload</button>}
        </div>
        <canvas
          ref={canvasRef}
          data-testid="hawk-canvas"
          data-view={`${view.scale},${view.panX},${view.panY}`}
          width={cssW * (window.devicePixelRatio || 1)}
          height={cssH * (window.devicePixelRatio || 1)}
          style={{ width: cssW, height: cssH, cursor: drag?.kind === 'pan' ? 'grabbing' : 'crosshair' }}
          onMouseDown={onDown}
          onMouseMove={onMove}
          onMouseUp={onUp}
          onMouseLeave={() => drag && onUp()}
          onWheel={onWheel}
        />
        <TimelineBar lo={meta.lo} hi={meta.hi} frame={frame} frameCount={meta.video.frameCount} fps={(meta.video.fps ?? 10) / meta.video.frameStep} keyframes={selected?.startsWith('t:') ? (editor.doc.tracks[selected.slice(2)]?.keyframes.map((k) => k.frame) ?? []) : []} onGo={go} />
        <span data-testid="hawk-box-count" data-count={boxes.length} className="muted small">{boxes.length} boxes on this frame</span>
        {message && <p className="hawk-error" data-testid="hawk-message">{message}</p>}
        {rebaseReport && (
          <p className={rebaseReport.dropped ? 'hawk-warning' : 'muted'} data-testid="hawk-rebase-report" data-kept={rebaseReport.kept} data-dropped={rebaseReport.dropped}>
            {rebaseReport.text} <button onClick={() => setRebaseReport(null)} data-testid="hawk-rebase-dismiss">Dismiss</button>
          </p>
        )}
        <PrelabelPanel setId={setId} video={meta.video} schema={schema} frame={frame} beforeRun={save} onApplied={onPrelabeled} />
      </div>
      <div className="hawk-side">
        <AttributePanel schema={schema} currentClass={currentClass} onClass={(c) => (setCurrentClass(c), sel && !locked.has(sel.key) && updateBox(sel.key, { label: c }))} selected={sel} onAttributes={(a) => sel && !locked.has(sel.key) && updateBox(sel.key, { attributes: a })} />
        <ObjectList
          doc={editor.doc}
          frame={frame}
          schema={schema}
          selected={selected}
          hidden={hidden}
          locked={locked}
          trackNumbers={trackNumbers}
          onSelect={(key) => ((justDrawn.current = null), setSelected(key))}
          onToggle={(kind, key) => (kind === 'hidden' ? setHidden : setLocked)((s) => (s.has(key) ? new Set([...s].filter((k) => k !== key)) : new Set([...s, key])))}
          onGo={go}
        />
        <ReviewPanel setId={setId} videoId={meta.video.id} lo={meta.rangeFrom} hi={meta.rangeTo} frame={frame} canReview={user.role !== 'annotator'} />
      </div>
    </div>
  );
}
