import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HawkBox } from '@sightline/contracts';
import { Editor, type Doc } from './editor-state.ts';

const box = (id: string, label = 'person'): HawkBox => ({ id, label, xyxy: [0, 0, 10, 10], attributes: {} });

test('pre-labels taken in while nothing is unsaved are one undo step; undoing them saves their removal', () => {
  const mine: Doc = { frames: { '0': [box('a')] }, tracks: {} };
  const ed = new Editor({ frames: {}, tracks: {} }, 0).setFrameBoxes(0, [box('a')]).saved(1, mine);
  const model: Doc = { frames: { '0': [box('a')], '1': [box('model-1-0')] }, tracks: { 'model-1-t1': { id: 'model-1-t1', label: 'person', attributes: {}, keyframes: [{ frame: 2, xyxy: [1, 1, 5, 5], outside: false }] } } };
  const absorbed = ed.absorbed(model, 2);
  assert.equal(absorbed.dirty, false);
  assert.equal(absorbed.version, 2);
  assert.ok(absorbed.canUndo);
  const undone = absorbed.undo();
  assert.deepEqual(undone.doc, mine);
  const body = undone.saveBody();
  assert.equal(body.baseVersion, 2);
  assert.deepEqual(body.frames!['1'], [], 'the model box is removed');
  assert.deepEqual(body.frames!['0'] ?? [box('a')], [box('a')], 'my box is kept (resent unchanged at most)');
  assert.deepEqual(body.deletedTrackIds, ['model-1-t1']);
  assert.deepEqual(undone.redo().doc, model, 'redo brings the pre-labels back');
  assert.ok(undone.undo().doc.frames['0'] === undefined, 'and the edits before them stay undoable');
});
