import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../../http/schemas.js';

// Request and response shapes of the Organization Domains tag (clerk-bapi-2025-03-12.yml).

export const ENROLLMENT_MODES = ['manual_invitation', 'automatic_invitation', 'automatic_suggestion'] as const;
const EnrollmentMode = Type.Unsafe<(typeof ENROLLMENT_MODES)[number]>({ type: 'string', enum: [...ENROLLMENT_MODES] });

export const DomainParams = Type.Object({ organization_id: Type.String({ maxLength: 128 }), domain_id: Type.String({ maxLength: 128 }) });

export const CreateDomainBody = Type.Object(
  {
    name: Type.String({ maxLength: 253 }),
    enrollment_mode: Type.Optional(EnrollmentMode),
    verified: Type.Optional(Nullable(Type.Boolean())),
  },
  { additionalProperties: false },
);
export type CreateDomainInput = Static<typeof CreateDomainBody>;

export const UpdateDomainBody = Type.Object(
  { enrollment_mode: Type.Optional(Nullable(EnrollmentMode)), verified: Type.Optional(Nullable(Type.Boolean())) },
  { additionalProperties: false },
);
export type UpdateDomainInput = Static<typeof UpdateDomainBody>;

export const DomainListQuery = Type.Object({
  // The spec types it as a string: `true` or `false`.
  verified: Type.Optional(Type.Boolean()),
  enrollment_mode: Type.Optional(EnrollmentMode),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 10 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type DomainListInput = Static<typeof DomainListQuery>;

export const DomainSchema = Type.Object({
  object: Type.Literal('organization_domain'),
  id: Type.String(),
  organization_id: Type.String(),
  name: Type.String(),
  enrollment_mode: Type.String(),
  affiliation_email_address: Nullable(Type.String()),
  verification: Nullable(
    Type.Object({ status: Type.String(), strategy: Type.String(), attempts: Nullable(Type.Integer()), expire_at: Nullable(Type.Integer()) }),
  ),
  total_pending_invitations: Type.Integer(),
  total_pending_suggestions: Type.Integer(),
  created_at: Type.Integer(),
  updated_at: Type.Integer(),
});

export const DomainListSchema = Type.Object({ data: Type.Array(DomainSchema), total_count: Type.Integer() });
