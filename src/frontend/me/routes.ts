import { Type } from '@sinclair/typebox';
import type { Deps } from '../../deps.js';
import { ClerkError, paramError } from '../../http/clerk-error.js';
import type { FastifyTypebox } from '../../http/fastify.js';
import { deletedObject, Nullable } from '../../http/schemas.js';
import { listMembershipsOfUsers } from '../../organizations/members/list.js';
import { userViewContext } from '../../users/serialize.js';
import type { FullUserRow } from '../../users/store.js';
import { forRequest } from '../../webhooks/events.js';
import { envelope } from '../client/envelope.js';
import { jsonObjectParam } from '../plumbing/json-param.js';
import { signedIn } from './auth.js';
import { meEmailAddressRoutes } from './email-addresses.js';
import { meMfaRoutes } from './mfa.js';
import { serializeFrontendUser } from './serialize.js';
import { changePassword, deleteSelf, removeOwnPassword, updateProfile, type ProfileInput } from './service.js';
import { meSessionsRoutes } from './sessions.js';
import { meOrganizationRoutes } from './organizations.js';
import { meProfileImageRoutes } from './profile-image.js';

const Text = (max = 256) => Type.Optional(Nullable(Type.String({ maxLength: max })));
const ProfileBody = Type.Object({
  first_name: Text(),
  last_name: Text(),
  username: Text(),
  unsafe_metadata: Type.Optional(Type.Union([Type.String({ maxLength: 16_384 }), Type.Object({}, { additionalProperties: true }), Type.Null()])),
  primary_email_address_id: Text(128),
});
/** What a user may never set on themself: the app's metadata, and the password outside change_password. */
const FORBIDDEN = ['public_metadata', 'private_metadata'] as const;

function profileInput(body: Record<string, unknown>): ProfileInput {
  for (const key of FORBIDDEN) if (key in body) throw paramError('form_param_unknown', key);
  if ('password' in body) throw new ClerkError('updating_user_password_deprecated');
  const input = { ...body } as ProfileInput & { unsafe_metadata?: string | Record<string, unknown> | null };
  if (input.unsafe_metadata !== undefined) input.unsafe_metadata = jsonObjectParam(input.unsafe_metadata, 'unsafe_metadata');
  const known: (keyof ProfileInput)[] = ['first_name', 'last_name', 'username', 'unsafe_metadata', 'primary_email_address_id'];
  return Object.fromEntries(known.filter((k) => input[k] !== undefined).map((k) => [k, input[k]])) as ProfileInput;
}

/** /v1/me: the signed-in user reading and changing themself. */
export async function meRoutes(app: FastifyTypebox, deps: Deps) {
  const view = async (user: FullUserRow) =>
    serializeFrontendUser(user, userViewContext(deps), (await listMembershipsOfUsers(deps, [user.id])).get(user.id));

  app.get('/me', async (request, reply) => envelope(deps, request, reply, await view((await signedIn(deps, request)).user)));

  app.patch('/me', { schema: { body: ProfileBody } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    const user = await updateProfile(forRequest(deps, request), me, profileInput(request.body as Record<string, unknown>));
    return envelope(deps, request, reply, await view(user));
  });

  app.delete('/me', async (request, reply) => {
    const me = await signedIn(deps, request);
    await deleteSelf(forRequest(deps, request), me);
    return envelope(deps, request, reply, deletedObject('user', me.user.id));
  });

  app.post(
    '/me/change_password',
    {
      schema: {
        body: Type.Object({
          current_password: Text(1024),
          new_password: Type.String({ maxLength: 1024 }),
          sign_out_of_other_sessions: Type.Optional(Nullable(Type.Boolean())),
        }),
      },
    },
    async (request, reply) => {
      const me = await signedIn(deps, request);
      return envelope(deps, request, reply, await view(await changePassword(forRequest(deps, request), me, request.body)));
    },
  );

  app.post('/me/remove_password', { schema: { body: Type.Object({ current_password: Text(1024) }) } }, async (request, reply) => {
    const me = await signedIn(deps, request);
    return envelope(deps, request, reply, await view(await removeOwnPassword(forRequest(deps, request), me, request.body)));
  });

  await meEmailAddressRoutes(app, deps);
  await meMfaRoutes(app, deps);
  await meSessionsRoutes(app, deps);
  await meOrganizationRoutes(app, deps);
  await meProfileImageRoutes(app, deps);
}
