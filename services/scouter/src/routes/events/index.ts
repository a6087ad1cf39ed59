import { DASHBOARD, OPERATE } from '@sightline/auth';
import { EventIdParams, EventList, EventQuery, Webhook, WebhookBody, WebhookList, WebhookTestResult } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { binaryResponse } from '@sightline/server-kit';
import { Type } from '@sinclair/typebox';
import type { EventService } from '../../services/event.service.ts';
import type { WebhookService } from '../../services/webhook.service.ts';

/** `/events` (timeline and snapshots) and `/webhooks` (HTTP notifications of events, with a test send). */
export const eventRoutes: FastifyPluginAsyncTypebox<{ readonly events: EventService; readonly webhooks: WebhookService }> = async (app, { events, webhooks }) => {
  app.get('/events', { config: { access: DASHBOARD }, schema: { querystring: EventQuery, response: { 200: EventList } } }, async (request) => ({ events: await events.list(request.query) }));
  app.get('/events/:id/snapshot.jpg', { config: { access: DASHBOARD }, schema: { params: EventIdParams, response: { 200: binaryResponse('image/jpeg', 'The frame of the event, its box drawn') } } }, async (request, reply) =>
    reply.type('image/jpeg').header('cache-control', 'private, max-age=86400').send(await events.snapshot(request.params.id)),
  );
  app.get('/webhooks', { config: { access: OPERATE }, schema: { response: { 200: WebhookList } } }, async () => ({ webhooks: await webhooks.list() }));
  app.post('/webhooks', { config: { access: OPERATE }, schema: { body: WebhookBody, response: { 201: Webhook } } }, async (request, reply) => reply.status(201).send(await webhooks.create(request.body)));
  app.delete('/webhooks/:id', { config: { access: OPERATE }, schema: { params: EventIdParams, response: { 204: Type.Null() } } }, async (request, reply) => {
    await webhooks.remove(request.params.id);
    return reply.status(204).send(null);
  });
  app.post('/webhooks/:id/test', { config: { access: OPERATE }, schema: { params: EventIdParams, response: { 200: WebhookTestResult } } }, async (request) => webhooks.test(request.params.id));
};
