import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../http/fastify.js';
import { DeletedObjectSchema, TotalCountSchema, deletedObject, errorResponses } from '../http/schemas.js';
import type { Deps } from '../deps.js';
import { forRequest } from '../webhooks/events.js';
import { countUsers, listUsers } from './list/service.js';
import {
  CreateUserBody,
  MetadataBody,
  UpdateUserBody,
  UserFilterQuery,
  UserIdParams,
  UserListQuery,
  UserSchema,
} from './schemas.js';
import { serializeUser, userViewContext } from './serialize.js';
import {
  createUser,
  deleteUser,
  getUser,
  setBanned,
  setLocked,
  updateMetadata,
  updateUser,
  removeUserPassword,
} from './service.js';

const UserResponse = { 200: UserSchema, ...errorResponses };
type RequestDeps = ReturnType<typeof forRequest<Deps>>;

/** /v1/users: the Users endpoints of Clerk's Backend API 2025-03-12. */
export async function usersRoutes(app: FastifyTypebox, deps: Deps) {
  const view = (row: Parameters<typeof serializeUser>[0]) => serializeUser(row, userViewContext(deps));

  app.get('/users', {
    schema: { querystring: UserListQuery, response: { 200: Type.Array(UserSchema), ...errorResponses } },
    // "We only support one order_by parameter … we will only keep the first one."
    preValidation: async (request) => {
      const query = request.query as Record<string, unknown>;
      if (Array.isArray(query.order_by)) query.order_by = query.order_by[0];
      // An unencoded `+created_at` arrives as ` created_at`; no sign means ascending anyway.
      if (typeof query.order_by === 'string') query.order_by = query.order_by.trim();
    },
    handler: async (request) => (await listUsers(deps, request.query)).map(view),
  });

  app.get('/users/count', {
    schema: { querystring: UserFilterQuery, response: { 200: TotalCountSchema, ...errorResponses } },
    handler: async (request) => ({ object: 'total_count' as const, total_count: await countUsers(deps, request.query) }),
  });

  app.post('/users', {
    schema: { body: CreateUserBody, response: UserResponse },
    handler: async (request) => view(await createUser(forRequest(deps, request), request.body)),
  });

  app.get('/users/:user_id', {
    schema: { params: UserIdParams, response: UserResponse },
    handler: async (request) => view(await getUser(deps, request.params.user_id)),
  });

  app.patch('/users/:user_id', {
    schema: { params: UserIdParams, body: UpdateUserBody, response: UserResponse },
    handler: async (request) => view(await updateUser(forRequest(deps, request), request.params.user_id, request.body)),
  });

  app.delete('/users/:user_id', {
    schema: { params: UserIdParams, response: { 200: DeletedObjectSchema, ...errorResponses } },
    handler: async (request) => {
      await deleteUser(forRequest(deps, request), request.params.user_id);
      return deletedObject('user', request.params.user_id);
    },
  });

  app.patch('/users/:user_id/metadata', {
    schema: { params: UserIdParams, body: MetadataBody, response: UserResponse },
    handler: async (request) => view(await updateMetadata(forRequest(deps, request), request.params.user_id, request.body, 'merge')),
  });

  // Not in 2025-03-12, but @clerk/backend 3.x sends updateUser({ publicMetadata }) here.
  app.put('/users/:user_id/metadata', {
    schema: { params: UserIdParams, body: MetadataBody, response: UserResponse },
    handler: async (request) => view(await updateMetadata(forRequest(deps, request), request.params.user_id, request.body, 'replace')),
  });

  for (const [action, change] of [
    ['ban', (d: RequestDeps, id: string) => setBanned(d, id, true)],
    ['unban', (d: RequestDeps, id: string) => setBanned(d, id, false)],
    ['lock', (d: RequestDeps, id: string) => setLocked(d, id, true)],
    ['unlock', (d: RequestDeps, id: string) => setLocked(d, id, false)],
  ] as const) {
    app.post(`/users/:user_id/${action}`, {
      schema: { params: UserIdParams, response: UserResponse },
      handler: async (request) => view(await change(forRequest(deps, request), request.params.user_id)),
    });
  }

  app.post('/users/:user_id/remove_password', {
    schema: { params: UserIdParams, response: UserResponse },
    handler: async (request) => view(await removeUserPassword(forRequest(deps, request), request.params.user_id)),
  });
}
