import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sameContent, type HawkBox, type HawkTrack, type HawkXyxy } from '@sightline/contracts';
import { Editor, withKeyframe, type Doc } from './editor-state.ts';
import { describeRebase, rebaseEdits } from './rebase-edits.ts';

const box = (id: string, xyxy: HawkXyxy, label = 'person'): HawkBox => ({ id, label, xyxy, attributes: {} });
const track = (id: string, frames: number[], label = 'person'): HawkTrack => ({ id, label, attributes: {}, keyframes: frames.map((frame) => ({ frame, xyxy: [frame, 0, frame + 10, 10], outside: false })) });
const doc = (frames: Record<string, HawkBox[]>, tracks: HawkTrack[] = []): Doc => ({ frames, tracks: Object.fromEntries(tracks.map((t) => [t.id, t])) });

// The version every case starts from: two boxes on frame 0, one on frame 3, two tracks.
const base = doc({ '0': [box('a', [0, 0, 10, 10]), box('b', [20, 0, 30, 10])], '3': [box('c', [0, 0, 5, 5])] }, [track('t1', [0, 5]), track('t2', [2])]);

/** Applies the user's edits to `base` through the editor, so the dirty keys are the real ones. */
const edited = (fn: (ed: Editor) => Editor) => fn(new Editor(base, 1));
const idsAt = (d: Doc, frame: string) => (d.frames[frame] ?? []).map((b) => b.id);

const cases: { name: string; mine: (ed: Editor) => Editor; theirs: Doc; kept: string[]; dropped: string[]; check: (d: Doc) => void }[] = [
  {
    name: 'edits of objects the other side left alone are replayed next to its own changes',
    mine: (ed) =>
      ed
        .setFrameBoxes(0, [box('a', [1, 1, 11, 11]), box('b', [20, 0, 30, 10], 'car'), box('new', [50, 50, 60, 60])])
        .setFrameBoxes(3, [])
        .putTrack(withKeyframe(base.tracks.t1!, 3, [9, 9, 19, 19]))
        .deleteTrack('t2'),
    theirs: doc({ '0': [box('a', [0, 0, 10, 10]), box('b', [20, 0, 30, 10]), box('x', [70, 0, 80, 10])], '3': [box('c', [0, 0, 5, 5])] }, [track('t1', [0, 5]), track('t2', [2]), track('t3', [1])]),
    kept: ['changed box a', 'changed box b', 'added box new', 'deleted box c', 'changed track t1', 'deleted track t2'],
    dropped: [],
    check: (d) => {
      assert.deepEqual(idsAt(d, '0'), ['a', 'b', 'x', 'new'], 'their box x stays, mine is appended');
      assert.deepEqual(d.frames['0']![0]!.xyxy, [1, 1, 11, 11]);
      assert.equal(d.frames['0']![1]!.label, 'car');
      assert.deepEqual(idsAt(d, '3'), []);
      assert.deepEqual(d.tracks.t1!.keyframes.map((k) => k.frame), [0, 3, 5]);
      assert.deepEqual(Object.keys(d.tracks).sort(), ['t1', 't3']);
    },
  },
  {
    name: 'edits of objects the other side changed are dropped and the server version stays',
    mine: (ed) => ed.setFrameBoxes(0, [box('a', [1, 1, 11, 11]), box('new', [50, 50, 60, 60])]).putTrack(withKeyframe(base.tracks.t1!, 3, [9, 9, 19, 19])),
    theirs: doc({ '0': [box('a', [5, 5, 15, 15]), box('b', [25, 0, 35, 10])], '3': [box('c', [0, 0, 5, 5])] }, [{ ...track('t1', [0, 5]), label: 'car' }, track('t2', [2])]),
    kept: ['added box new'],
    dropped: ['changed box a: changed there', 'deleted box b: changed there', 'changed track t1: changed there'],
    check: (d) => {
      assert.deepEqual(idsAt(d, '0'), ['a', 'b', 'new']);
      assert.deepEqual(d.frames['0']![0]!.xyxy, [5, 5, 15, 15], 'their move of a wins');
      assert.deepEqual(d.frames['0']![1]!.xyxy, [25, 0, 35, 10], 'b, changed there, is not deleted');
      assert.equal(d.tracks.t1!.label, 'car');
      assert.deepEqual(d.tracks.t1!.keyframes.map((k) => k.frame), [0, 5]);
    },
  },
  {
    name: 'edits of objects deleted on the server are dropped; deleting what is already gone is kept',
    mine: (ed) => ed.setFrameBoxes(0, [box('a', [0, 0, 10, 10], 'car')]).putTrack(withKeyframe(base.tracks.t2!, 4, [1, 1, 9, 9])).deleteTrack('t1'),
    theirs: doc({ '3': [box('c', [0, 0, 5, 5])] }, []),
    kept: ['deleted box b', 'deleted track t1'],
    dropped: ['changed box a: deleted there', 'changed track t2: deleted there'],
    check: (d) => {
      assert.deepEqual(idsAt(d, '0'), []);
      assert.deepEqual(Object.keys(d.tracks), []);
    },
  },
  {
    name: 'the same change on both sides is kept and needs no save; jsonb key order is no change',
    mine: (ed) => ed.setFrameBoxes(0, [box('a', [1, 1, 11, 11]), box('b', [20, 0, 30, 10])]),
    theirs: doc({ '0': [{ attributes: {}, xyxy: [1, 1, 11, 11], label: 'person', id: 'a' }, { xyxy: [20, 0, 30, 10], id: 'b', label: 'person', attributes: {} }], '3': [box('c', [0, 0, 5, 5])] }, [track('t1', [0, 5]), track('t2', [2])]),
    kept: ['changed box a'],
    dropped: [],
    check: () => {},
  },
  {
    name: 'an undone edit leaves its frame dirty but is no edit',
    mine: (ed) => ed.setFrameBoxes(0, []).undo(),
    theirs: doc({ '0': [box('b', [20, 0, 30, 10])] }, []),
    kept: [],
    dropped: [],
    check: (d) => assert.deepEqual(idsAt(d, '0'), ['b']),
  },
];

for (const c of cases) {
  test(`rebase: ${c.name}`, () => {
    const ed = edited(c.mine);
    const r = rebaseEdits(ed.base, ed.doc, c.theirs, { frames: ed.dirtyFrames, tracks: ed.dirtyTracks });
    assert.deepEqual(r.kept.map((e) => `${e.kind} ${e.object} ${e.id}`).sort(), [...c.kept].sort());
    assert.deepEqual(r.dropped.map((e) => `${e.kind} ${e.object} ${e.id}: ${e.reason}`).sort(), [...c.dropped].sort());
    c.check(r.doc);
    // What the next save sends turns the server's version into the rebased document.
    const next = ed.rebased(c.theirs, 7, r.doc, r.dirtyFrames, r.dirtyTracks);
    const body = next.saveBody();
    assert.equal(body.baseVersion, 7);
    const server = { frames: { ...c.theirs.frames, ...body.frames }, tracks: { ...c.theirs.tracks } };
    for (const t of body.tracks ?? []) server.tracks[t.id] = t;
    for (const id of body.deletedTrackIds ?? []) delete server.tracks[id];
    assert.ok(sameContent(server, r.doc), `saving the rebase reproduces it: ${JSON.stringify(body)}`);
  });
}

test('rebase: a saved edit is part of the base, so only later edits are replayed', () => {
  const first = new Editor(base, 1).setFrameBoxes(0, [box('a', [1, 1, 11, 11]), box('b', [20, 0, 30, 10])]);
  const saved = first.saved(2, first.doc).setFrameBoxes(3, [box('c', [0, 0, 6, 6])]);
  // The other side moved a after version 2: not a collision with the already saved move of a.
  const theirs = { ...first.doc, frames: { ...first.doc.frames, '0': [box('a', [2, 2, 12, 12]), box('b', [20, 0, 30, 10])] } };
  const r = rebaseEdits(saved.base, saved.doc, theirs, { frames: saved.dirtyFrames, tracks: saved.dirtyTracks });
  assert.deepEqual(r.kept.map((e) => e.id), ['c']);
  assert.deepEqual(r.dropped, []);
  assert.deepEqual(r.doc.frames['0']![0]!.xyxy, [2, 2, 12, 12]);
  assert.deepEqual(r.dirtyFrames, ['3']);
});

test('rebase report: how many edits were not kept, and which', () => {
  const ed = edited(cases[1]!.mine);
  const r = rebaseEdits(ed.base, ed.doc, cases[1]!.theirs, { frames: ed.dirtyFrames, tracks: ed.dirtyTracks });
  assert.equal(
    describeRebase(r, 4),
    'Reloaded version 4: 3 of your 4 edits touched boxes someone else changed and were not kept: person box on frame 1 (you changed it, someone else changed it); ' +
      'person box on frame 1 (you deleted it, someone else changed it); person track from frame 1 (you changed it, someone else changed it).',
  );
  assert.equal(describeRebase({ ...r, dropped: [] }, 4), 'Reloaded version 4 and re-applied your 1 edit.');
});
