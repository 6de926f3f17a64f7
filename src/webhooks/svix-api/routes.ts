import type { Deps } from '../../deps.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  getEndpointSecret,
  listEndpoints,
  patchEndpoint,
  recoverEndpoint,
  rotateEndpointSecret,
  upsertEndpoint,
  type EndpointFields,
} from '../endpoints/service.js';
import { getMessage, listAttemptsByEndpoint, listAttemptsByMessage, listMessages, resendMessage } from '../messages.js';
import { conflict, invalid, notFound } from '../svix-errors.js';
import { listResponse, parseIterator } from './pagination.js';
import {
  AppParams,
  AttemptListQuery,
  AttemptParams,
  CreateAppQuery,
  EndpointInBody,
  EndpointParams,
  EndpointPatchBody,
  EndpointUpdateBody,
  MessageEndpointParams,
  MessageListQuery,
  MessageParams,
  OrderedListQuery,
  RecoverBody,
  RotateBody,
  WithContentQuery,
  type EndpointInput,
} from './schemas.js';
import { APP_UID, applicationId, eventTypesOut, serializeApplication, serializeAttempt, serializeEndpoint, serializeMessage } from './serialize.js';

/**
 * The parts of Svix's REST API (/api/v1, svix-server v1/endpoints) that the official `svix` client uses to
 * manage where Gatehouse's webhooks go. The instance is one application, uid `gatehouse`.
 */
export async function svixApiRoutes(app: FastifyTypebox, deps: Deps) {
  const appId = applicationId(deps.instance.id);
  /** Svix paths take the application's id or uid; there is one application. */
  const checkApp = (id: string) => {
    if (id !== appId && id !== APP_UID) throw notFound();
  };
  const time = (value: string | null | undefined, where: 'query' | 'body', field: string): number | undefined => {
    if (value == null) return undefined;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw invalid(where, field, 'invalid datetime');
    return ms;
  };
  const eventTypes = (value: string[] | undefined) => value?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  /** EndpointIn's fields as the service takes them (filterTypes is the old name of eventTypes). */
  const fields = (body: EndpointInput): EndpointFields & { secret?: string | null } => {
    const out: EndpointFields & { secret?: string | null } = {};
    if (body.url !== undefined) out.url = body.url;
    if (body.description !== undefined) out.description = body.description;
    if (body.uid !== undefined) out.uid = body.uid;
    if (body.disabled !== undefined) out.disabled = body.disabled;
    const types = body.eventTypes !== undefined ? body.eventTypes : body.filterTypes;
    if (types !== undefined) out.eventTypes = types;
    if (body.channels !== undefined) out.channels = body.channels;
    const throttle = body.throttleRate !== undefined ? body.throttleRate : body.rateLimit;
    if (throttle !== undefined) out.throttleRate = throttle;
    if (body.metadata !== undefined) out.metadata = body.metadata;
    if (body.secret !== undefined) out.secret = body.secret;
    return out;
  };

  app.get('/health', async (_request, reply) => reply.status(204).send());

  // Applications

  app.get('/app', { schema: { querystring: OrderedListQuery } }, async (request) => {
    // One application: the first page holds it; a page after it (or before it) is empty.
    const rows = request.query.iterator ? [] : [deps.instance.id];
    return listResponse(rows, request.query.limit ?? 50, false, () => appId, serializeApplication);
  });

  app.post('/app', { schema: { querystring: CreateAppQuery } }, async (request) => {
    // One application: the client's getOrCreate finds it; a second cannot be created.
    if (request.query.get_if_exists !== true) throw conflict();
    return serializeApplication(deps.instance.id);
  });

  app.get('/app/:app_id', { schema: { params: AppParams } }, async (request) => {
    checkApp(request.params.app_id);
    return serializeApplication(deps.instance.id);
  });

  // Endpoints

  app.get('/app/:app_id/endpoint', { schema: { params: AppParams, querystring: OrderedListQuery } }, async (request) => {
    checkApp(request.params.app_id);
    const { id, prev } = parseIterator(request.query.iterator);
    const limit = request.query.limit ?? 50;
    const ascending = (request.query.order === 'ascending') !== prev;
    const rows = await listEndpoints(deps, { iterator: id, ascending, limit });
    return listResponse(rows, limit, prev, (row) => row.id, serializeEndpoint);
  });

  app.post('/app/:app_id/endpoint', { schema: { params: AppParams, body: EndpointInBody } }, async (request, reply) => {
    checkApp(request.params.app_id);
    const row = await createEndpoint(deps, { ...fields(request.body), url: request.body.url });
    return reply.status(201).send(serializeEndpoint(row));
  });

  app.get('/app/:app_id/endpoint/:endpoint_id', { schema: { params: EndpointParams } }, async (request) => {
    checkApp(request.params.app_id);
    return serializeEndpoint(await getEndpoint(deps, request.params.endpoint_id));
  });

  app.put('/app/:app_id/endpoint/:endpoint_id', { schema: { params: EndpointParams, body: EndpointUpdateBody } }, async (request, reply) => {
    checkApp(request.params.app_id);
    const { created, endpoint } = await upsertEndpoint(deps, request.params.endpoint_id, { ...fields(request.body), url: request.body.url });
    return reply.status(created ? 201 : 200).send(serializeEndpoint(endpoint));
  });

  app.patch('/app/:app_id/endpoint/:endpoint_id', { schema: { params: EndpointParams, body: EndpointPatchBody } }, async (request) => {
    checkApp(request.params.app_id);
    return serializeEndpoint(await patchEndpoint(deps, request.params.endpoint_id, fields(request.body)));
  });

  app.delete('/app/:app_id/endpoint/:endpoint_id', { schema: { params: EndpointParams } }, async (request, reply) => {
    checkApp(request.params.app_id);
    await deleteEndpoint(deps, request.params.endpoint_id);
    return reply.status(204).send();
  });

  app.get('/app/:app_id/endpoint/:endpoint_id/secret', { schema: { params: EndpointParams } }, async (request) => {
    checkApp(request.params.app_id);
    return { key: await getEndpointSecret(deps, request.params.endpoint_id) };
  });

  app.post('/app/:app_id/endpoint/:endpoint_id/secret/rotate', { schema: { params: EndpointParams, body: RotateBody } }, async (request, reply) => {
    checkApp(request.params.app_id);
    await rotateEndpointSecret(deps, request.params.endpoint_id, request.body);
    return reply.status(204).send();
  });

  app.post('/app/:app_id/endpoint/:endpoint_id/recover', { schema: { params: EndpointParams, body: RecoverBody } }, async (request, reply) => {
    checkApp(request.params.app_id);
    const since = time(request.body.since, 'body', 'since')!;
    const task = await recoverEndpoint(deps, request.params.endpoint_id, { since, until: time(request.body.until, 'body', 'until') });
    // Svix runs recovery as a background task; here the messages are queued before this answers.
    return reply.status(202).send({ id: task.id, status: 'running', task: 'endpoint.recover', updatedAt: new Date(task.updatedAt).toISOString() });
  });

  // Messages and attempts

  app.get('/app/:app_id/msg', { schema: { params: AppParams, querystring: MessageListQuery } }, async (request) => {
    checkApp(request.params.app_id);
    const q = request.query;
    const { id, prev } = parseIterator(q.iterator);
    const window = { before: time(q.before, 'query', 'before'), after: time(q.after, 'query', 'after') };
    // As svix-server: with only `after`, the list is walked up from it.
    const reverse = prev || (id === undefined && window.before === undefined && window.after !== undefined);
    const limit = q.limit ?? 50;
    const withContent = q.with_content ?? true;
    const rows = await listMessages(deps, { ...window, eventTypes: eventTypes(q.event_types) }, { iterator: id, reverse, limit }, withContent);
    return listResponse(rows, limit, reverse, (row) => serializeMessage(row, false).id, (row) => serializeMessage(row, withContent));
  });

  app.get('/app/:app_id/msg/:msg_id', { schema: { params: MessageParams, querystring: WithContentQuery } }, async (request) => {
    checkApp(request.params.app_id);
    const withContent = request.query.with_content ?? true;
    return serializeMessage(await getMessage(deps, request.params.msg_id, withContent), withContent);
  });

  const attemptList = async (
    query: typeof AttemptListQuery.static,
    list: (filter: Parameters<typeof listAttemptsByEndpoint>[2], page: Parameters<typeof listAttemptsByEndpoint>[3]) => ReturnType<typeof listAttemptsByEndpoint>,
  ) => {
    const { id, prev } = parseIterator(query.iterator);
    const window = { before: time(query.before, 'query', 'before'), after: time(query.after, 'query', 'after') };
    const reverse = prev || (id === undefined && window.before === undefined && window.after !== undefined);
    const limit = query.limit ?? 50;
    const rows = await list(
      { ...window, status: query.status, statusCodeClass: query.status_code_class, eventTypes: eventTypes(query.event_types) },
      { iterator: id, reverse, limit },
    );
    const options = { withContent: query.with_content ?? true, withMsg: query.with_msg ?? false };
    return listResponse(rows, limit, reverse, (row) => row.id, (row) => serializeAttempt(row, options));
  };

  app.get('/app/:app_id/attempt/endpoint/:endpoint_id', { schema: { params: EndpointParams, querystring: AttemptListQuery } }, async (request) => {
    checkApp(request.params.app_id);
    return attemptList(request.query, (filter, page) => listAttemptsByEndpoint(deps, request.params.endpoint_id, filter, page));
  });

  app.get('/app/:app_id/attempt/msg/:msg_id', { schema: { params: MessageParams, querystring: AttemptListQuery } }, async (request) => {
    checkApp(request.params.app_id);
    const endpointId = request.query.endpoint_id;
    return attemptList(request.query, (filter, page) => listAttemptsByMessage(deps, request.params.msg_id, { ...filter, endpointId }, page));
  });

  app.get('/app/:app_id/msg/:msg_id/attempt/:attempt_id', { schema: { params: AttemptParams } }, async (request) => {
    checkApp(request.params.app_id);
    const rows = await listAttemptsByMessage(deps, request.params.msg_id, {}, { iterator: undefined, reverse: false, limit: 1000 });
    const attempt = rows.find((row) => row.id === request.params.attempt_id);
    if (!attempt) throw notFound();
    return serializeAttempt(attempt, { withContent: true, withMsg: false });
  });

  app.post('/app/:app_id/msg/:msg_id/endpoint/:endpoint_id/resend', { schema: { params: MessageEndpointParams } }, async (request, reply) => {
    checkApp(request.params.app_id);
    await resendMessage(deps, request.params.msg_id, request.params.endpoint_id);
    return reply.status(202).send({});
  });

  // Event types: Gatehouse's fixed catalogue (webhooks/events.ts).

  app.get('/event-type', { schema: { querystring: OrderedListQuery } }, async (request) => {
    const { id, prev } = parseIterator(request.query.iterator);
    const limit = request.query.limit ?? 50;
    // Svix lists event types by name, ascending.
    let all = eventTypesOut(deps.instance.id).sort((a, b) => a.name.localeCompare(b.name));
    if (prev) all = all.filter((t) => id === undefined || t.name < id).reverse();
    else if (id !== undefined) all = all.filter((t) => t.name > id);
    return listResponse(all.slice(0, limit + 1), limit, prev, (t) => t.name, (t) => t);
  });
}
