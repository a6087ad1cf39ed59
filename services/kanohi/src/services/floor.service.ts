import type { CountLine, CreateCountLineBody, CreateFloorBody, CreateZoneBody, Floor, UpdateCountLineBody, UpdateFloorBody, UpdateZoneBody, Zone } from '@sightline/contracts';
import { checkImageDecodes, ImageDecodeError, imageSize } from '@sightline/media';
import { PolygonZone } from '@sightline/vision';
import { HttpError } from '@sightline/server-kit';
import { missing } from '../lib/missing.ts';
import type { CameraRepository } from '../repositories/camera.repository.ts';
import type { FloorRepository } from '../repositories/floor.repository.ts';
import type { ZoneRepository } from '../repositories/zone.repository.ts';

/** Largest floor side accepted (the bound of CreateFloorBody's widthM and heightM). */
const MAX_FLOOR_SIDE_M = 10_000;

/**
 * Validates a PNG/JPEG/WebP upload: its header names the type and size (anything else is a 415), the
 * size must be within `maxPixels` (413), and the picture must really decode (422), so a header
 * alone claiming any size never reaches the database.
 */
export async function readImage(bytes: Buffer, maxPixels: number): Promise<{ bytes: Buffer; type: string; widthPx: number; heightPx: number }> {
  const size = imageSize(bytes);
  if (!size || size.widthPx < 1 || size.heightPx < 1) throw new HttpError(415, 'The upload is not a PNG, JPEG or WebP image: send the image file itself as the request body');
  if (size.widthPx * size.heightPx > maxPixels) {
    throw new HttpError(413, `The image is ${size.widthPx} x ${size.heightPx} pixels, more than the limit of ${maxPixels} pixels (KANOHI_MAX_IMAGE_PIXELS); nothing was stored`);
  }
  try {
    await checkImageDecodes(bytes);
  } catch (err) {
    if (err instanceof ImageDecodeError) throw new HttpError(422, `The ${size.type} image does not decode (${err.message}); nothing was stored: send the complete image file`);
    throw err;
  }
  return { bytes, ...size };
}

/** Floors, their plan images and scale, cameras placed on them, and their zones and lines. */
export class FloorService {
  constructor(
    private readonly floors: FloorRepository,
    private readonly cameras: CameraRepository,
    private readonly zones: ZoneRepository,
    private readonly maxImagePixels: number,
  ) {}

  list(): Promise<Floor[]> {
    return this.floors.list();
  }

  async get(floorId: number): Promise<Floor> {
    const floor = await this.floors.get(floorId);
    if (!floor) throw missing(`Floor ${floorId}`);
    return floor;
  }

  async create(body: CreateFloorBody): Promise<Floor> {
    const floor = await this.floors.create(body.name, body.widthM ?? 40, body.heightM ?? 25);
    if (!floor) throw new HttpError(409, `A floor named "${body.name}" exists already: choose another name`);
    return floor;
  }

  /** A new scale resizes a floor that has an image (its size is the image's size times the scale). */
  async update(floorId: number, body: UpdateFloorBody): Promise<Floor> {
    const floor = await this.get(floorId);
    if (body.scale && body.metersPerPixel !== undefined) throw new HttpError(400, 'Give either metersPerPixel or scale, not both');
    let metersPerPixel = body.metersPerPixel;
    if (body.scale) {
      const px = Math.hypot(body.scale.bPx[0] - body.scale.aPx[0], body.scale.bPx[1] - body.scale.aPx[1]);
      if (px < 1) throw new HttpError(400, 'The two scale points are less than a pixel apart: click two points further apart');
      metersPerPixel = body.scale.distanceM / px;
    }
    let { widthM, heightM } = body;
    if (floor.image && metersPerPixel !== undefined) {
      if (widthM !== undefined || heightM !== undefined) throw new HttpError(400, 'A floor with an image takes its size from the image and the scale: send only the scale');
      widthM = floor.image.widthPx * metersPerPixel;
      heightM = floor.image.heightPx * metersPerPixel;
    }
    try {
      return (await this.floors.update(floorId, { name: body.name, widthM, heightM, metersPerPixel }))!;
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new HttpError(409, `A floor named "${body.name}" exists already: choose another name`);
      throw err;
    }
  }

  /** Stores the plan image; without a scale yet, it keeps the floor's width and derives one. */
  async setImage(floorId: number, bytes: Buffer): Promise<Floor> {
    const floor = await this.get(floorId);
    const image = await readImage(bytes, this.maxImagePixels);
    const metersPerPixel = floor.metersPerPixel ?? floor.widthM / image.widthPx;
    if (image.widthPx * metersPerPixel > MAX_FLOOR_SIDE_M || image.heightPx * metersPerPixel > MAX_FLOOR_SIDE_M) {
      throw new HttpError(400, `At ${metersPerPixel} m per pixel this ${image.widthPx} x ${image.heightPx} px plan would be larger than ${MAX_FLOOR_SIDE_M} m a side; set a smaller scale first (PATCH metersPerPixel)`);
    }
    return (await this.floors.setImage(floorId, image, { widthM: image.widthPx * metersPerPixel, heightM: image.heightPx * metersPerPixel, metersPerPixel }))!;
  }

  async image(floorId: number): Promise<{ bytes: Buffer; type: string }> {
    const image = await this.floors.image(floorId);
    if (!image) throw new HttpError(404, `Floor ${floorId} has no image: upload one with PUT /floors/${floorId}/image`);
    return image;
  }

  async remove(floorId: number): Promise<void> {
    if (!(await this.floors.remove(floorId))) throw missing(`Floor ${floorId}`);
  }

  async placeCamera(cameraId: number, floorId: number): Promise<void> {
    if (!(await this.cameras.exists(cameraId))) throw missing(`Camera ${cameraId}`);
    await this.get(floorId);
    await this.cameras.place(cameraId, floorId);
  }

  async setSnapshot(cameraId: number, bytes: Buffer): Promise<void> {
    if (!(await this.cameras.exists(cameraId))) throw missing(`Camera ${cameraId}`);
    await this.cameras.setSnapshot(cameraId, await readImage(bytes, this.maxImagePixels));
  }

  async snapshot(cameraId: number): Promise<{ bytes: Buffer; type: string }> {
    const snap = await this.cameras.snapshot(cameraId);
    if (!snap) throw new HttpError(404, `Camera ${cameraId} has no snapshot: upload a still with PUT /cameras/${cameraId}/snapshot`);
    return snap;
  }

  async listZones(floorId: number): Promise<Zone[]> {
    await this.get(floorId);
    return this.zones.zones(floorId);
  }

  async createZone(floorId: number, body: CreateZoneBody): Promise<Zone> {
    await this.get(floorId);
    checkPolygon(body.polygonXy);
    const zone = await this.zones.createZone(floorId, body.name, body.polygonXy, body.kind);
    if (!zone) throw new HttpError(409, `Floor ${floorId} has a zone named "${body.name}" already: choose another name`);
    return zone;
  }

  /** Renames, redraws or turns a zone into a mask (statistics are computed from the points, so history follows the new shape). */
  async updateZone(floorId: number, zoneId: number, body: UpdateZoneBody): Promise<Zone> {
    await this.get(floorId);
    if (body.polygonXy) checkPolygon(body.polygonXy);
    const zone = await this.zones.updateZone(floorId, zoneId, body);
    if (zone === 'missing') throw missing(`Zone ${zoneId} of floor ${floorId}`);
    if (zone === 'taken') throw new HttpError(409, `Floor ${floorId} has a zone named "${body.name}" already: choose another name`);
    return zone;
  }

  async removeZone(floorId: number, zoneId: number): Promise<void> {
    if (!(await this.zones.removeZone(floorId, zoneId))) throw missing(`Zone ${zoneId} of floor ${floorId}`);
  }

  async listLines(floorId: number): Promise<CountLine[]> {
    await this.get(floorId);
    return this.zones.lines(floorId);
  }

  async createLine(floorId: number, body: CreateCountLineBody): Promise<CountLine> {
    await this.get(floorId);
    if (body.startXy[0] === body.endXy[0] && body.startXy[1] === body.endXy[1]) throw new HttpError(400, 'The line starts and ends at the same point: click two different points');
    const line = await this.zones.createLine(floorId, body.name, body.startXy, body.endXy);
    if (!line) throw new HttpError(409, `Floor ${floorId} has a line named "${body.name}" already: choose another name`);
    return line;
  }

  async updateLine(floorId: number, lineId: number, body: UpdateCountLineBody): Promise<CountLine> {
    await this.get(floorId);
    const current = (await this.zones.lines(floorId)).find((l) => l.id === lineId);
    if (!current) throw missing(`Line ${lineId} of floor ${floorId}`);
    const [start, end] = [body.startXy ?? current.startXy, body.endXy ?? current.endXy];
    if (start[0] === end[0] && start[1] === end[1]) throw new HttpError(400, 'The line would start and end at the same point: move one end elsewhere');
    const line = await this.zones.updateLine(floorId, lineId, body);
    if (line === 'missing') throw missing(`Line ${lineId} of floor ${floorId}`);
    if (line === 'taken') throw new HttpError(409, `Floor ${floorId} has a line named "${body.name}" already: choose another name`);
    return line;
  }

  async removeLine(floorId: number, lineId: number): Promise<void> {
    if (!(await this.zones.removeLine(floorId, lineId))) throw missing(`Line ${lineId} of floor ${floorId}`);
  }
}

/** A zone needs an area: 3 or more corners not on one line. */
function checkPolygon(polygonXy: CreateZoneBody['polygonXy']): void {
  let area: number;
  try {
    area = new PolygonZone(polygonXy).areaSquareMeters();
  } catch (err) {
    throw new HttpError(400, `Invalid zone: ${(err as Error).message}`);
  }
  if (area < 1e-6) throw new HttpError(400, 'The zone has no area (its corners are on one line): draw at least 3 corners around a region');
}
