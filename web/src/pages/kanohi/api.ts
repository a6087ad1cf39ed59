import type { BackfillJob, Calibration, CalibrationPointPair, CalibrationSolution, CountLine, CountsResponse, Floor, FloorAttributesResponse, HeatmapResponse, IdentitiesResponse, KanohiCamera, LineStatsResponse, PeopleResponse, Zone, ZoneStatsResponse } from '@sightline/contracts';
import { ApiError, apiResponse, request, serviceUrl, type HttpMethod } from '../../lib/api-client.ts';

export function kanohiUrl(): Promise<string> {
  return serviceUrl('kanohi');
}

/**
 * The camera's latest frame as Scouter stored it (GET /cameras/:id/frame on Scouter), at the size
 * of the camera's frames: Scouter may keep a smaller preview (grid previews are 320 px wide), and
 * calibration points are clicked in the pixels the boxes use.
 */
export async function scouterFrame(cameraId: number): Promise<{ jpeg: Blob; frameIndex: number; capturedAt: string | null }> {
  const res = await apiResponse(await serviceUrl('scouter'), 'GET', `/cameras/${cameraId}/frame`).catch((err: unknown) => {
    throw err instanceof ApiError ? new ApiError(err.status, `Scouter: ${err.message}`) : err;
  });
  let jpeg = new Blob([await res.arrayBuffer()], { type: 'image/jpeg' });
  const frameWidth = Number(res.headers.get('x-frame-width'));
  const frameHeight = Number(res.headers.get('x-frame-height'));
  const picture = await createImageBitmap(jpeg);
  if (frameWidth > 0 && frameHeight > 0 && (picture.width !== frameWidth || picture.height !== frameHeight)) {
    const canvas = new OffscreenCanvas(frameWidth, frameHeight);
    canvas.getContext('2d')!.drawImage(picture, 0, 0, frameWidth, frameHeight);
    jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
  }
  picture.close();
  return { jpeg, frameIndex: Number(res.headers.get('x-frame-index')), capturedAt: res.headers.get('x-captured-at') };
}

/** A window bound fit for a file name: 2026-03-01T10:15:00.000Z -> 20260301T101500Z (as the server's CSV names). */
export const fileTime = (isoTime: string) => new Date(isoTime).toISOString().replace(/\.\d+Z$/, 'Z').replaceAll('-', '').replaceAll(':', '');

function call<T>(method: HttpMethod, path: string, body?: unknown, raw?: { bytes: Blob; type: string }): Promise<T> {
  return request<T>('kanohi', method, path, raw ? { raw: raw.bytes, headers: { 'content-type': raw.type } } : body === undefined ? {} : { body });
}

const q = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '').map(([k, v]) => [k, String(v)])).toString();

export interface RangeFilters {
  from: string;
  to: string;
  className?: string;
  gender?: string;
  ageBand?: string;
  /** `name=value`: tracks whose smoothed value of any attribute is value. */
  attribute?: string;
}

/** Typed calls of every Kanohi endpoint the page uses (types from packages/contracts). */
export const kanohi = {
  floors: () => call<Floor[]>('GET', '/floors'),
  createFloor: (name: string) => call<Floor>('POST', '/floors', { name }),
  updateFloor: (id: number, body: { scale?: { aPx: [number, number]; bPx: [number, number]; distanceM: number }; metersPerPixel?: number }) => call<Floor>('PATCH', `/floors/${id}`, body),
  uploadFloorImage: (id: number, file: Blob) => call<Floor>('PUT', `/floors/${id}/image`, undefined, { bytes: file, type: file.type || 'application/octet-stream' }),
  cameras: () => call<KanohiCamera[]>('GET', '/cameras'),
  uploadSnapshot: (cameraId: number, file: Blob) => call<KanohiCamera>('PUT', `/cameras/${cameraId}/snapshot`, undefined, { bytes: file, type: file.type || 'application/octet-stream' }),
  solve: (points: CalibrationPointPair[], frameWh?: [number, number]) =>
    call<CalibrationSolution>('POST', '/calibrations/solve', { points, ...(frameWh ? { frameWidth: frameWh[0], frameHeight: frameWh[1] } : {}) }),
  saveCalibration: (cameraId: number, floorId: number, points: CalibrationPointPair[], frameWh?: [number, number]) =>
    call<Calibration>('POST', `/cameras/${cameraId}/calibrations`, { floorId, points, ...(frameWh ? { frameWidth: frameWh[0], frameHeight: frameWh[1] } : {}) }),
  backfill: (cameraId: number) => call<BackfillJob>('GET', `/cameras/${cameraId}/backfill`),
  zones: (floorId: number) => call<Zone[]>('GET', `/floors/${floorId}/zones`),
  createZone: (floorId: number, name: string, polygonXy: [number, number][], kind: Zone['kind'] = 'zone') => call<Zone>('POST', `/floors/${floorId}/zones`, { name, polygonXy, kind }),
  updateZone: (floorId: number, zoneId: number, body: { name?: string; kind?: Zone['kind'] }) => call<Zone>('PATCH', `/floors/${floorId}/zones/${zoneId}`, body),
  updateLine: (floorId: number, lineId: number, body: { name?: string }) => call<CountLine>('PATCH', `/floors/${floorId}/lines/${lineId}`, body),
  renameFloor: (id: number, name: string) => call<Floor>('PATCH', `/floors/${id}`, { name }),
  deleteFloor: (id: number) => call<void>('DELETE', `/floors/${id}`),
  people: (floorId: number, f: { from: string; to: string; bucketSeconds: number }) => call<PeopleResponse>('GET', `/floors/${floorId}/people?${q({ ...f })}`),
  identities: (floorId: number, f: { from: string; to: string }) => call<IdentitiesResponse>('GET', `/floors/${floorId}/identities?${q({ ...f })}`),
  attributes: (floorId: number, f: { from: string; to: string }) => call<FloorAttributesResponse>('GET', `/floors/${floorId}/attributes?${q({ ...f })}`),
  hours: (floorId: number, f: { from: string; to: string }) => call<{ hours: { start: string; samples: number }[] }>('GET', `/floors/${floorId}/hours?${q({ ...f })}`),
  deleteZone: (floorId: number, zoneId: number) => call<void>('DELETE', `/floors/${floorId}/zones/${zoneId}`),
  deleteLine: (floorId: number, lineId: number) => call<void>('DELETE', `/floors/${floorId}/lines/${lineId}`),
  lines: (floorId: number) => call<CountLine[]>('GET', `/floors/${floorId}/lines`),
  createLine: (floorId: number, name: string, startXy: [number, number], endXy: [number, number]) => call<CountLine>('POST', `/floors/${floorId}/lines`, { name, startXy, endXy }),
  heatmap: (floorId: number, f: RangeFilters & { cellM: number; metric: 'occupancy' | 'dwell'; stationary: 'exclude' | 'include' }) => call<HeatmapResponse>('GET', `/floors/${floorId}/heatmap?${q({ ...f })}`),
  counts: (floorId: number, f: RangeFilters & { bucketSeconds: number; groupBy: string }) => call<CountsResponse>('GET', `/floors/${floorId}/stats/counts?${q({ ...f })}`),
  zoneStats: (floorId: number, f: RangeFilters & { bucketSeconds: number }) => call<ZoneStatsResponse>('GET', `/floors/${floorId}/stats/zones?${q({ ...f })}`),
  lineStats: (floorId: number, f: RangeFilters & { bucketSeconds: number }) => call<LineStatsResponse>('GET', `/floors/${floorId}/stats/lines?${q({ ...f })}`),
  /** URL of a CSV download of one statistic. */
  csvUrl: async (floorId: number, kind: 'counts' | 'zones' | 'lines' | 'people', f: RangeFilters & { bucketSeconds: number; groupBy?: string }) =>
    kind === 'people'
      ? `${await kanohiUrl()}/floors/${floorId}/people?${q({ from: f.from, to: f.to, bucketSeconds: f.bucketSeconds, format: 'csv' })}`
      : `${await kanohiUrl()}/floors/${floorId}/stats/${kind}?${q({ ...f, format: 'csv' })}`,
};
