import { Schemas } from '../api/api-schemas';

/** Shapes of /api/v1/auth and the staff roles, lowest to highest. */
export type Role = Schemas['Me']['role'];

export type User = Schemas['Me'];

export type Credentials = Schemas['Login'];

const RANK: Record<Role, number> = { viewer: 1, analyst: 2, admin: 3 };

/** True when `role` includes everything `needed` may do (admin > analyst > viewer). */
export function hasRole(role: Role, needed: Role): boolean {
  return (RANK[role] ?? 0) >= RANK[needed];
}

export const ROLE_LABELS: Record<Role, string> = {
  viewer: 'Viewer',
  analyst: 'Analyst',
  admin: 'Admin',
};

/**
 * Where to go after signing in: only a path inside this app ("/training?x=1"), never another
 * site ("//evil.example", "https://..."), and never back to the sign-in page itself.
 */
export function safeReturnUrl(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\'))
    return '/';
  if (value === '/login' || value.startsWith('/login?') || value.startsWith('/login/')) return '/';
  return value;
}
