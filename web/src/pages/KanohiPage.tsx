import L from 'leaflet';
import { useEffect, useRef } from 'react';

// A floor plan is an image measured in metres, not a globe: Leaflet's CRS.Simple maps
// one unit to one metre. Until a floor is uploaded, a 40 m x 25 m grid stands in.
const EMPTY_FLOOR_METERS: [number, number] = [25, 40];

export function KanohiPage() {
  const mapElement = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!mapElement.current) return;
    const map = L.map(mapElement.current, { crs: L.CRS.Simple, minZoom: -2, maxZoom: 4, attributionControl: false });
    const bounds = L.latLngBounds([0, 0], EMPTY_FLOOR_METERS);
    L.rectangle(bounds, { color: '#4a5568', weight: 1, fill: false }).addTo(map);
    for (let x = 5; x < EMPTY_FLOOR_METERS[1]; x += 5) L.polyline([[0, x], [EMPTY_FLOOR_METERS[0], x]], { color: '#cbd5e0', weight: 1 }).addTo(map);
    for (let y = 5; y < EMPTY_FLOOR_METERS[0]; y += 5) L.polyline([[y, 0], [y, EMPTY_FLOOR_METERS[1]]], { color: '#cbd5e0', weight: 1 }).addTo(map);
    map.fitBounds(bounds);
    return () => {
      map.remove();
    };
  }, []);
  return (
    <section>
      <h1>Kanohi — floor map</h1>
      <div ref={mapElement} className="floor-map" data-testid="floor-map" />
    </section>
  );
}
