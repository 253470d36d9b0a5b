import { Schemas } from '../core/api/api-schemas';
import { userCreateRoleValues } from '../core/api/schema';
import { Role } from '../core/auth/auth.models';

/** Shapes of the admin part of /api/v1/auth: staff accounts and API keys. */

export const ROLES: readonly Role[] = userCreateRoleValues;

/** A staff account as GET /auth/users lists it (never the password). */
export type StaffUser = Schemas['User'];

export type StaffUserCreate = Schemas['UserCreate'];

/** PATCH /auth/users/{id}: any subset. */
export type StaffUserChange = Schemas['UserPatch'];

/** An API key as listed: its prefix identifies it; the key itself is never stored. */
export type ApiKey = Schemas['ApiKey'];

export type ApiKeyCreate = Schemas['ApiKeyCreate'];

/** POST /auth/api-keys answers with the key, in that one response only. */
export type NewApiKey = Schemas['NewApiKey'];

export interface ItemList<T> {
  items: T[];
}
