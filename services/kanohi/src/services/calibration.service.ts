import type { Calibration, CalibrationPointPair, CalibrationSolution, KanohiCamera } from '@sightline/contracts';
import { HomographyError, solveHomography } from '@sightline/vision';
import { HttpError } from '@sightline/server-kit';
import { missing } from '../lib/missing.ts';
import type { CameraRepository } from '../repositories/camera.repository.ts';
import type { FloorRepository } from '../repositories/floor.repository.ts';

/** Solves camera -> floor homographies and keeps their versions. */
export class CalibrationService {
  constructor(
    private readonly cameras: CameraRepository,
    private readonly floors: FloorRepository,
    /** Writes that commit with the calibration (its backfill job); the returned function runs after the commit. */
    private readonly backfill?: { queueWith(calibration: Calibration, transaction: Parameters<Parameters<CameraRepository['saveCalibration']>[1] & object>[0]): Promise<() => void> },
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
    if (!camera) throw missing(`Camera ${cameraId}`);
    if (!(await this.floors.get(input.floorId))) throw missing(`Floor ${input.floorId}`);
    const frameWidth = input.frameWidth ?? camera.frameWidth;
    const frameHeight = input.frameHeight ?? camera.frameHeight;
    const solution = this.solve(input.points, frameWidth && frameHeight ? [frameWidth, frameHeight] : undefined);
    // Observations stored before this version are projected by a backfill job, queued in the same
    // transaction: a failure (or a crash) leaves neither the calibration nor a job, never one alone.
    let startBackfill = () => undefined as void;
    const saved = await this.cameras.saveCalibration({ cameraId, floorId: input.floorId, frameWidth: frameWidth ?? null, frameHeight: frameHeight ?? null, points: input.points, solution }, async (transaction, calibration) => {
      if (this.backfill) startBackfill = await this.backfill.queueWith(calibration, transaction);
    });
    startBackfill();
    return saved;
  }

  async history(cameraId: number): Promise<Calibration[]> {
    if (!(await this.cameras.exists(cameraId))) throw missing(`Camera ${cameraId}`);
    return this.cameras.calibrations(cameraId);
  }

  /** Scouter's cameras with their floor, snapshot and calibration state. */
  list(): Promise<KanohiCamera[]> {
    return this.cameras.list();
  }

  async camera(cameraId: number): Promise<KanohiCamera> {
    const [camera] = await this.cameras.list(cameraId);
    if (!camera) throw missing(`Camera ${cameraId}`);
    return camera;
  }
}
