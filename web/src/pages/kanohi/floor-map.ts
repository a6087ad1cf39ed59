import type { CountLine, Floor, LiveMarker, Zone } from '@sightline/contracts';
import L from 'leaflet';

export type FloorXy = [number, number];

// Floor metres have y pointing down (the plan image's axes); Leaflet's CRS.Simple has lat up.
export const toLatLng = ([x, y]: readonly [number, number]): L.LatLng => L.latLng(-y, x);
export const fromLatLng = (ll: L.LatLng): FloorXy => [ll.lng, -ll.lat];

/** A 40 m x 25 m grid stands in until a floor exists. */
const PLACEHOLDER = { widthM: 40, heightM: 25 };

/**
 * The Leaflet side of the page: one map in CRS.Simple (1 unit = 1 m) with a layer per concern,
 * each redrawn from plain data. Clicks come back as floor metres.
 */
export class FloorMap {
  readonly map: L.Map;
  private readonly base = L.layerGroup();
  private readonly heat = L.layerGroup();
  private readonly shapes = L.layerGroup();
  private readonly live = L.layerGroup();
  private readonly draft = L.layerGroup();
  private fitted: string | undefined;
  private fittedBounds: L.LatLngBounds | undefined;
  private readonly resize: ResizeObserver;

  constructor(element: HTMLElement, onClick: (xy: FloorXy) => void) {
    this.map = L.map(element, { crs: L.CRS.Simple, minZoom: -3, maxZoom: 5, attributionControl: false, zoomSnap: 0.25 });
    for (const layer of [this.base, this.heat, this.shapes, this.live, this.draft]) layer.addTo(this.map);
    this.map.on('click', (e: L.LeafletMouseEvent) => onClick(fromLatLng(e.latlng)));
    // The side panel appears with the first floor and narrows the map after Leaflet fitted the
    // floor: without this, clicks would land on the old geometry and the floor would sit off-centre.
    this.resize = new ResizeObserver(() => {
      this.map.invalidateSize({ pan: false });
      if (this.fittedBounds) this.map.fitBounds(this.fittedBounds, { animate: false });
    });
    this.resize.observe(element);
    this.showFloor(undefined, '');
  }

  /** Plan image (or blank) with a 5 m grid and outline; fits the view when the floor changes. */
  showFloor(floor: Floor | undefined, kanohiBase: string): void {
    this.base.clearLayers();
    const size = floor ?? PLACEHOLDER;
    const bounds = L.latLngBounds(toLatLng([0, size.heightM]), toLatLng([size.widthM, 0]));
    if (floor?.image) L.imageOverlay(kanohiBase + floor.image.url, bounds, { className: 'kanohi-floor-image' }).addTo(this.base);
    L.rectangle(bounds, { color: '#4a5568', weight: 1, fill: false, interactive: false, className: 'kanohi-floor-outline' }).addTo(this.base);
    for (let x = 5; x < size.widthM; x += 5) L.polyline([toLatLng([x, 0]), toLatLng([x, size.heightM])], { color: '#cbd5e0', weight: 1, interactive: false }).addTo(this.base);
    for (let y = 5; y < size.heightM; y += 5) L.polyline([toLatLng([0, y]), toLatLng([size.widthM, y])], { color: '#cbd5e0', weight: 1, interactive: false }).addTo(this.base);
    const key = `${floor?.id ?? 0}:${size.widthM}x${size.heightM}`;
    if (this.fitted !== key) {
      this.map.fitBounds(bounds, { animate: false });
      this.fitted = key;
      this.fittedBounds = bounds;
    }
  }

  /** The heatmap canvas stretched over the floor. */
  showHeatmap(dataUrl: string | undefined, floor: Floor | undefined, cellM: number, columns: number, rows: number): void {
    this.heat.clearLayers();
    if (!dataUrl || !floor) return;
    const bounds = L.latLngBounds(toLatLng([0, rows * cellM]), toLatLng([columns * cellM, 0]));
    L.imageOverlay(dataUrl, bounds, { className: 'kanohi-heatmap', opacity: 0.85, interactive: false }).addTo(this.heat);
  }

  showShapes(zones: readonly Zone[], lines: readonly CountLine[]): void {
    this.shapes.clearLayers();
    for (const z of zones) {
      const mask = z.kind === 'mask';
      L.polygon(z.polygonXy.map(toLatLng), { color: mask ? '#718096' : '#805ad5', weight: 2, dashArray: mask ? '6 4' : undefined, fillOpacity: mask ? 0.35 : 0.1, className: mask ? 'kanohi-mask' : 'kanohi-zone', interactive: false })
        .bindTooltip(mask ? `${z.name} (mask: left out of heatmaps)` : z.name, { permanent: true, direction: 'center' })
        .addTo(this.shapes);
    }
    for (const l of lines) {
      L.polyline([toLatLng(l.startXy), toLatLng(l.endXy)], { color: '#dd6b20', weight: 4, className: 'kanohi-line', interactive: false }).bindTooltip(`${l.name} (in: right → left)`, { permanent: true }).addTo(this.shapes);
      L.circleMarker(toLatLng(l.startXy), { radius: 4, color: '#dd6b20', interactive: false }).addTo(this.shapes);
    }
  }

  /**
   * Live people: a dot per person (fading once unseen), its trail, and a tooltip naming them as
   * Kanohi and Scouter do. Only people on the floor are drawn: a projection outside it is not a place.
   */
  showLive(markers: readonly (LiveMarker & { opacity?: number })[], floor: Floor | undefined): void {
    this.live.clearLayers();
    const inside = ([x, y]: readonly [number, number]) => !floor || (x >= 0 && y >= 0 && x <= floor.widthM && y <= floor.heightM);
    for (const m of markers) {
      if (!inside(m.xyM)) continue;
      const opacity = m.opacity ?? 1;
      const trail = m.trail.filter(inside);
      if (trail.length > 1) L.polyline(trail.map(toLatLng), { color: '#3182ce', weight: 2, opacity: 0.6 * opacity, className: 'kanohi-trail', interactive: false }).addTo(this.live);
      const merged = m.cameraIds.length > 1;
      L.circleMarker(toLatLng(m.xyM), { radius: 7, color: merged ? '#2f855a' : '#2b6cb0', opacity, fillOpacity: 0.9 * opacity, className: 'kanohi-marker' })
        .bindTooltip(describe(m))
        .addTo(this.live);
    }
  }

  /** Points being clicked for the current tool (calibration, scale, line, zone), numbered. */
  showDraft(points: readonly (FloorXy | undefined)[], shape: 'points' | 'line' | 'polygon'): void {
    this.draft.clearLayers();
    const defined = points.filter((p): p is FloorXy => !!p);
    if (shape === 'line' && defined.length === 2) L.polyline(defined.map(toLatLng), { color: '#e53e3e', dashArray: '4 4' }).addTo(this.draft);
    if (shape === 'polygon' && defined.length >= 2) L.polygon(defined.map(toLatLng), { color: '#e53e3e', dashArray: '4 4', fillOpacity: 0.05 }).addTo(this.draft);
    points.forEach((p, i) => {
      if (p) L.circleMarker(toLatLng(p), { radius: 5, color: '#e53e3e', className: 'kanohi-draft-point' }).bindTooltip(String(i + 1), { permanent: true, direction: 'right' }).addTo(this.draft);
    });
  }

  remove(): void {
    this.resize.disconnect();
    this.map.remove();
  }
}

function describe(m: LiveMarker): string {
  const attrs = Object.entries(m.attributes)
    .map(([k, v]) => `${k}: ${typeof v === 'object' && v && 'value' in v ? String((v as { value: unknown }).value) : String(v)}`)
    .join(', ');
  // Scouter's names first (camera and tracker id, as its live view shows them), then Kanohi's.
  const scouter = (m.trackers ?? []).map((t) => `camera ${t.cameraId} #${t.trackerId}`).join(', ');
  return `${m.className} · Scouter ${scouter || `cameras ${m.cameraIds.join('+')}`} · floor person ${m.floorPersonId ?? m.personId} ${attrs ? `· ${attrs}` : ''}`;
}
