import { Routes } from '@angular/router';
import { roleGuard } from '../core/auth/auth.guards';

/** Admins only; anyone else gets the "not allowed" page. */
export const ADMIN_ROUTES: Routes = [
  {
    path: '',
    title: 'Administration',
    canActivate: [roleGuard('admin')],
    loadComponent: () => import('./admin-page.component').then((m) => m.AdminPageComponent),
  },
];
