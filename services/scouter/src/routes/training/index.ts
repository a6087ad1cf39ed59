import { DASHBOARD, OPERATE } from '@sightline/auth';
import { AttributeHeadList, DeployHeadBody, HeadNameParams, HeadVersionParams, TrainConfigRejected, TrainJob, TrainJobList, TrainJobParams, AttributeHeadVersion, WrongCropParams } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { binaryResponse, HttpError } from '@sightline/server-kit';
import { HawkApiError } from '../../clients/hawk-labels.client.ts';
import { TrainConfigError } from '../../training/train-config.ts';
import type { TrainingService } from '../../training/training.service.ts';

/**
 * `/training/jobs` (queue a config's grid, list, read, cancel) and `/heads` (versions, deploy,
 * rollback, the ONNX model and its card). Roles once packages/auth lands: reads for viewers,
 * queueing, cancelling, deploying and rolling back for operators.
 */
/** Hawk unreachable, or refusing Scouter's Hawk token: the message names what to set. */
const HawkFailed = Type.Omit(TrainConfigRejected, ['problems'], { description: "Hawk could not answer or refused SCOUTER_HAWK_TOKEN; the message says what to fix" });

export const trainingRoutes: FastifyPluginAsyncTypebox<{ readonly training: TrainingService }> = async (app, { training }) => {
  app.get('/training/jobs', { config: { access: DASHBOARD }, schema: { response: { 200: TrainJobList } } }, async () => ({ jobs: await training.list() }));
  // The body is checked by parseTrainConfig, so that every problem is named by its key.
  app.post('/training/jobs', { config: { access: OPERATE }, schema: { body: Type.Unknown(), response: { 201: TrainJobList, 400: TrainConfigRejected, 502: HawkFailed } } }, async (request, reply) => {
    try {
      return reply.status(201).send({ jobs: await training.queue(request.body) });
    } catch (err) {
      // Hawk unreachable or refusing the token is not the config's fault; the message says what
      // to set (the central handler would hide a 5xx message, and this one holds no secret).
      if (err instanceof HawkApiError) return reply.status(502).send({ statusCode: 502, error: 'Bad Gateway', message: err.message });
      if (!(err instanceof TrainConfigError)) throw err;
      return reply.status(400).send({ statusCode: 400, error: 'Bad Request', message: err.message, problems: err.problems });
    }
  });
  app.get('/training/jobs/:id', { config: { access: DASHBOARD }, schema: { params: TrainJobParams, response: { 200: TrainJob } } }, async (request) => {
    const job = (await training.list()).find((j) => j.id === request.params.id);
    if (!job) throw new HttpError(404, `No training job ${request.params.id}; GET /training/jobs lists them`);
    return job;
  });
  app.get('/training/jobs/:id/wrong/:index/crop.jpg', { config: { access: DASHBOARD }, schema: { params: WrongCropParams, response: { 200: binaryResponse('image/jpeg', 'The wrong box cut from its Hawk frame'), 502: HawkFailed } } }, async (request, reply) => {
    let jpeg: Buffer | undefined;
    try {
      jpeg = await training.wrongCrop(request.params.id, request.params.index);
    } catch (err) {
      if (err instanceof HawkApiError) return reply.status(502).send({ statusCode: 502, error: 'Bad Gateway', message: err.message });
      throw err;
    }
    if (!jpeg) throw new HttpError(404, `Training job ${request.params.id} has no wrong box ${request.params.index} with a stored place; GET /training/jobs/${request.params.id} lists metrics.wrong`);
    return reply.type('image/jpeg').header('cache-control', 'private, max-age=3600').send(jpeg);
  });
  app.post('/training/jobs/:id/cancel', { config: { access: OPERATE }, schema: { params: TrainJobParams, response: { 200: TrainJob } } }, async (request) => {
    const job = await training.cancel(request.params.id);
    if (!job) throw new HttpError(404, `No training job ${request.params.id}; GET /training/jobs lists them`);
    return job;
  });
  app.get('/heads', { config: { access: DASHBOARD }, schema: { response: { 200: AttributeHeadList } } }, async () => ({ heads: await training.heads() }));
  app.post('/heads/:name/deploy', { config: { access: OPERATE }, schema: { params: HeadNameParams, body: DeployHeadBody, response: { 200: AttributeHeadList } } }, async (request) => {
    if (!(await training.deploy(request.params.name, request.body.version))) throw new HttpError(404, `Head ${request.params.name} has no version ${request.body.version}; GET /heads lists them`);
    return { heads: await training.heads(request.params.name) };
  });
  app.post('/heads/:name/rollback', { config: { access: OPERATE }, schema: { params: HeadNameParams, response: { 200: AttributeHeadList } } }, async (request) => {
    if ((await training.rollback(request.params.name)) === undefined) throw new HttpError(409, `Head ${request.params.name} has no deployed version with an earlier one to roll back to`);
    return { heads: await training.heads(request.params.name) };
  });
  app.get('/heads/:name/:version/model.onnx', { config: { access: DASHBOARD }, schema: { params: HeadVersionParams, response: { 200: binaryResponse('application/octet-stream', 'The head as an ONNX model') } } }, async (request, reply) => {
    const m = await training.model(request.params.name, request.params.version);
    if (!m) throw new HttpError(404, `Head ${request.params.name} has no version ${request.params.version}`);
    return reply.type('application/octet-stream').header('content-disposition', `attachment; filename="${request.params.name}-v${request.params.version}.onnx"`).send(m.onnx);
  });
  app.get('/heads/:name/:version/card', { config: { access: DASHBOARD }, schema: { params: HeadVersionParams, response: { 200: Type.Object({ head: AttributeHeadVersion, spec: Type.Record(Type.String(), Type.Unknown()), config: Type.Record(Type.String(), Type.Unknown()), boxIds: Type.Object({ train: Type.Array(Type.String()), validation: Type.Array(Type.String()) }) }) } } }, async (request) => {
    const m = await training.model(request.params.name, request.params.version);
    const head = (await training.heads(request.params.name)).find((h) => h.version === request.params.version);
    if (!m || !head) throw new HttpError(404, `Head ${request.params.name} has no version ${request.params.version}`);
    return { head, spec: m.spec as Record<string, unknown>, config: m.config as unknown as Record<string, unknown>, boxIds: m.boxIds };
  });
};
