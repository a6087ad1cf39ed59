import { DASHBOARD } from '@sightline/auth';
import { CameraIdParams } from '@sightline/contracts';
import type { ServiceApp } from '@sightline/server-kit';
import { HttpError } from '@sightline/server-kit';
import type { PreviewRepository } from '../../repositories/preview.repository.ts';
import type { CameraService } from '../../services/camera.service.ts';

/**
 * `GET /cameras/:id/frame`: the camera's latest JPEG preview (the frame the worker running it last
 * shared), e.g. for clicking calibration points on the live view. Headers say which frame and when.
 */
export function registerCameraFrameRoute(app: ServiceApp, cameras: CameraService, previews: PreviewRepository): void {
  app.get('/cameras/:id/frame', { config: { access: DASHBOARD }, schema: { params: CameraIdParams } }, async (request, reply) => {
    await cameras.get(request.params.id);
    const preview = await previews.latest(request.params.id);
    if (!preview) throw new HttpError(404, `camera ${request.params.id} has no frame yet: it shows one once a Scouter worker runs it`);
    return reply
      .header('content-type', 'image/jpeg')
      .header('cache-control', 'no-store')
      .header('x-frame-index', String(preview.frameIndex))
      .header('x-frame-width', String(preview.width))
      .header('x-frame-height', String(preview.height))
      .header('x-captured-at', preview.capturedAt.toISOString())
      .header('access-control-expose-headers', 'x-frame-index, x-frame-width, x-frame-height, x-captured-at')
      .send(preview.jpeg);
  });
}
