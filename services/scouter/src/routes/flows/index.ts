import { DASHBOARD, OPERATE } from '@sightline/auth';
import { Flow, FlowBody, FlowCheckBody, FlowCheckResult, FlowList, FlowNameParams, FlowRejected } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { FlowCompileError, type FlowService } from '../../services/flow.service.ts';

/** `/flows`: check without storing, store (compiled against this Scouter's models), list, read, start, stop and delete flows. */
export const flowRoutes: FastifyPluginAsyncTypebox<{ readonly flows: FlowService }> = async (app, { flows }) => {
  app.get('/flows', { config: { access: DASHBOARD }, schema: { response: { 200: FlowList } } }, async () => ({ flows: await flows.list() }));
  // Checking is not an error: a flow with errors is a 200 whose `ok` is false (the editor checks as one types).
  app.post('/flows/check', { config: { access: OPERATE }, schema: { body: FlowCheckBody, response: { 200: FlowCheckResult } } }, async (request) => flows.check(request.body.source));
  app.put('/flows/:name', { config: { access: OPERATE }, schema: { params: FlowNameParams, body: FlowBody, response: { 200: Flow, 201: Flow, 400: FlowRejected } } }, async (request, reply) => {
    try {
      const { flow, created } = await flows.save(request.params.name, request.body.source);
      return reply.status(created ? 201 : 200).send(flow);
    } catch (err) {
      if (!(err instanceof FlowCompileError)) throw err;
      return reply.status(400).send({ statusCode: 400, error: 'Bad Request', message: err.message, errors: err.errors });
    }
  });
  app.get('/flows/:name', { config: { access: DASHBOARD }, schema: { params: FlowNameParams, response: { 200: Flow } } }, async (request) => flows.get(request.params.name));
  app.post('/flows/:name/start', { config: { access: OPERATE }, schema: { params: FlowNameParams, response: { 200: Flow } } }, async (request) => flows.start(request.params.name));
  app.post('/flows/:name/stop', { config: { access: OPERATE }, schema: { params: FlowNameParams, response: { 200: Flow } } }, async (request) => flows.stop(request.params.name));
  app.delete('/flows/:name', { config: { access: OPERATE }, schema: { params: FlowNameParams, response: { 204: Type.Null() } } }, async (request, reply) => {
    await flows.remove(request.params.name);
    return reply.status(204).send(null);
  });
};
