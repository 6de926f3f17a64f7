import { Type } from '@sinclair/typebox';
import { Nullable } from '../http/schemas.js';

export { PhoneNumberSchema } from '../identifications/schemas.js';

export const PhoneNumberParams = Type.Object({ phone_number_id: Type.String({ maxLength: 128 }) });

export const CreatePhoneNumberBody = Type.Object(
  {
    user_id: Type.String({ maxLength: 128 }),
    phone_number: Type.String({ maxLength: 32 }),
    verified: Type.Optional(Nullable(Type.Boolean())),
    primary: Type.Optional(Nullable(Type.Boolean())),
    reserved_for_second_factor: Type.Optional(Nullable(Type.Boolean())),
  },
  { additionalProperties: false },
);

export const UpdatePhoneNumberBody = Type.Object(
  {
    verified: Type.Optional(Nullable(Type.Boolean())),
    primary: Type.Optional(Nullable(Type.Boolean())),
    reserved_for_second_factor: Type.Optional(Nullable(Type.Boolean())),
  },
  { additionalProperties: false },
);
