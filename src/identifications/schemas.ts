import { Type } from '@sinclair/typebox';
import { Nullable } from '../http/schemas.js';

// Response schemas: they also act as an allow-list, so a column added to a table never leaks.
const Verification = Nullable(
  Type.Object({
    status: Type.String(),
    strategy: Type.String(),
    attempts: Nullable(Type.Integer()),
    expire_at: Nullable(Type.Integer()),
  }),
);
const LinkedTo = Type.Array(Type.Object({ type: Type.String(), id: Type.String() }));

export const EmailAddressSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('email_address'),
  email_address: Type.String(),
  reserved: Type.Boolean(),
  verification: Verification,
  linked_to: LinkedTo,
  matches_sso_connection: Type.Boolean(),
  created_at: Type.Integer(),
  updated_at: Type.Integer(),
});

export const PhoneNumberSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('phone_number'),
  phone_number: Type.String(),
  reserved_for_second_factor: Type.Boolean(),
  default_second_factor: Type.Boolean(),
  reserved: Type.Boolean(),
  verification: Verification,
  linked_to: LinkedTo,
  backup_codes: Nullable(Type.Array(Type.String())),
  created_at: Type.Integer(),
  updated_at: Type.Integer(),
});

export const Web3WalletSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('web3_wallet'),
  web3_wallet: Type.String(),
  verification: Verification,
  created_at: Type.Integer(),
  updated_at: Type.Integer(),
});
