import assert from 'node:assert/strict';
import { test } from 'node:test';
import { camelRow, camelRows, type CamelRow } from './row-mapping.ts';

test('snake_case columns become camelCase properties, values untouched', () => {
  const at = new Date(0);
  const cases: [Record<string, unknown>, Record<string, unknown>][] = [
    [{ floor_id: 1, x_m: 2.5, observed_at: at }, { floorId: 1, xM: 2.5, observedAt: at }],
    [{ start_x_m: 1, end_y_m: 2 }, { startXM: 1, endYM: 2 }],
    [{ id: 3, name: 'hall', polygon_xy: [[0, 0]] }, { id: 3, name: 'hall', polygonXy: [[0, 0]] }],
    [{ age_band_2: '18-29', attributes: { gender_x: 'f' } }, { ageBand2: '18-29', attributes: { gender_x: 'f' } }],
  ];
  for (const [row, want] of cases) assert.deepEqual(camelRow(row), want);
  assert.deepEqual(camelRows([{ camera_id: 1 }, { camera_id: 2 }]), [{ cameraId: 1 }, { cameraId: 2 }]);
});

test('the type follows the row', () => {
  const row: CamelRow<{ track_id: number; class_name: string }> = camelRow({ track_id: 7, class_name: 'person' });
  assert.equal(row.trackId + row.className.length, 13);
});
