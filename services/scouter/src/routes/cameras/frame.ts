import { DASHBOARD } from '@sightline/auth';
import { CameraIdParams } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { binaryResponse } from '@sightline/server-kit';
import type { CameraService } from '../../services/camera.service.ts';
import type { PreviewRelay } from '../../services/preview-relay.service.ts';

/**
 * `GET /cameras/:id/frame`: the camera's latest JPEG preview (the frame the worker running it last
 * shared), e.g. for clicking calibration points on the live view. Headers say which frame and when.
 */
export const cameraFrameRoutes: FastifyPluginAsyncTypebox<{ readonly cameras: CameraService; readonly previews: PreviewRelay }> = async (app, { cameras, previews }) => {
  app.get(
    '/cameras/:id/frame',
    { config: { access: DASHBOARD }, schema: { params: CameraIdParams, response: { 200: binaryResponse('image/jpeg', 'The latest preview; X-Frame-Index, X-Frame-Width, X-Frame-Height and X-Captured-At describe it') } } },
    async (request, reply) => {
      await cameras.get(request.params.id);
      const preview = await previews.latest(request.params.id);
      return reply
        .header('content-type', 'image/jpeg')
        .header('cache-control', 'no-store')
        .header('x-frame-index', String(preview.frameIndex))
        .header('x-frame-width', String(preview.width))
        .header('x-frame-height', String(preview.height))
        .header('x-captured-at', preview.capturedAt.toISOString())
        .header('access-control-expose-headers', 'x-frame-index, x-frame-width, x-frame-height, x-captured-at')
        .send(preview.jpeg);
    },
  );
};
