import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REMOTE_FOCUS_TTL_MS, WatchRegistry } from './watch-registry.ts';

test('a camera is in focus while a page here or a recent focus list from elsewhere shows it large', () => {
  const w = new WatchRegistry();
  w.set('a', { grid: [1, 2], focus: 2 });
  w.set('b', { grid: [1], focus: null });
  w.set('c', 'not a watch event');
  assert.deepEqual(w.localFocus(), [2]);
  assert.equal(w.inFocus(2), true);
  assert.equal(w.inFocus(1), false);
  w.drop('a');
  assert.equal(w.inFocus(2), false);
  w.setRemote('other', [1, 'x'], 1000);
  assert.equal(w.inFocus(1, 1000 + REMOTE_FOCUS_TTL_MS), true);
  assert.equal(w.inFocus(1, 1001 + REMOTE_FOCUS_TTL_MS), false, 'forgotten once not repeated');
});
