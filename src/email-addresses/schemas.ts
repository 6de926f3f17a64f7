import { Type } from '@sinclair/typebox';
import { Nullable } from '../http/schemas.js';

export { EmailAddressSchema } from '../identifications/schemas.js';

export const EmailAddressParams = Type.Object({ email_address_id: Type.String({ maxLength: 128 }) });

export const CreateEmailAddressBody = Type.Object(
  {
    user_id: Type.String({ maxLength: 128 }),
    email_address: Type.String({ maxLength: 320 }),
    verified: Type.Optional(Nullable(Type.Boolean())),
    primary: Type.Optional(Nullable(Type.Boolean())),
  },
  { additionalProperties: false },
);

export const UpdateEmailAddressBody = Type.Object(
  {
    verified: Type.Optional(Nullable(Type.Boolean())),
    primary: Type.Optional(Nullable(Type.Boolean())),
  },
  { additionalProperties: false },
);
