import type { Calibration, CalibrationPointPair, CalibrationSolution, KanohiCamera } from '@sightline/contracts';
import { HomographyError, solveHomography } from '@sightline/vision';
import { HttpError, notFound } from '../lib/http-error.ts';
import type { CameraRepository } from '../repositories/camera.repository.ts';
import type { FloorRepository } from '../repositories/floor.repository.ts';

/** Solves camera -> floor homographies and keeps their versions. */
export class CalibrationService {
  constructor(
    private readonly cameras: CameraRepository,
    private readonly floors: FloorRepository,
    private readonly onSaved: (calibration: Calibration) => Promise<unknown> = async () => undefined,
  ) {}

  /** Solves without saving; bad layouts are a 422 that says what to change. */
  solve(points: readonly CalibrationPointPair[], frameWh?: readonly [number, number]): CalibrationSolution {
    try {
      const s = solveHomography(points, frameWh ? { frameWh: [frameWh[0], frameWh[1]] } : {});
      return { matrix: Array.from(s.matrix), errorsM: [...s.errorsMeters], rmsErrorM: s.rmsErrorMeters, maxErrorM: s.maxErrorMeters, warnings: [...s.warnings] };
    } catch (err) {
      if (err instanceof HomographyError) throw new HttpError(422, `Cannot calibrate: ${err.message}`);
      throw err;
    }
  }

  async save(cameraId: number, input: { floorId: number; points: readonly CalibrationPointPair[]; frameWidth?: number | undefined; frameHeight?: number | undefined }): Promise<Calibration> {
    const [camera] = await this.cameras.list(cameraId);
    if (!camera) throw notFound(`Camera ${cameraId}`);
    if (!(await this.floors.get(input.floorId))) throw notFound(`Floor ${input.floorId}`);
    const frameWidth = input.frameWidth ?? camera.frameWidth;
    const frameHeight = input.frameHeight ?? camera.frameHeight;
    const solution = this.solve(input.points, frameWidth && frameHeight ? [frameWidth, frameHeight] : undefined);
    const saved = await this.cameras.saveCalibration({ cameraId, floorId: input.floorId, frameWidth: frameWidth ?? null, frameHeight: frameHeight ?? null, points: input.points, solution });
    // Observations stored before this version are projected by a backfill job.
    await this.onSaved(saved);
    return saved;
  }

  async history(cameraId: number): Promise<Calibration[]> {
    if (!(await this.cameras.exists(cameraId))) throw notFound(`Camera ${cameraId}`);
    return this.cameras.calibrations(cameraId);
  }

  async camera(cameraId: number): Promise<KanohiCamera> {
    const [camera] = await this.cameras.list(cameraId);
    if (!camera) throw notFound(`Camera ${cameraId}`);
    return camera;
  }
}
