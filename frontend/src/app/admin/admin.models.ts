import { Role } from '../core/auth/auth.models';

/** Shapes of the admin part of /api/v1/auth: staff accounts and API keys. */

export const ROLES: Role[] = ['viewer', 'analyst', 'admin'];

/** A staff account as GET /auth/users lists it (never the password). */
export interface StaffUser {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  /** Set while sign-in is locked after repeated failures. */
  locked_until?: string | null;
  created_at: string;
  last_login_at: string | null;
}

export interface StaffUserCreate {
  username: string;
  password: string;
  role: Role;
}

/** PATCH /auth/users/{id}: any subset. */
export interface StaffUserChange {
  role?: Role;
  disabled?: boolean;
  password?: string;
}

/** An API key as listed: its prefix identifies it; the key itself is never stored. */
export interface ApiKey {
  id: number;
  name: string;
  role: Role;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface ApiKeyCreate {
  name: string;
  role: Role;
}

/** POST /auth/api-keys answers with the key, in that one response only. */
export interface NewApiKey extends ApiKey {
  key: string;
}

export interface ItemList<T> {
  items: T[];
}
