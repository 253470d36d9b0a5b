import { Routes } from '@angular/router';
import { roleGuard } from '../core/auth/auth.guards';

export const CUSTOMER_ROUTES: Routes = [
  {
    path: '',
    title: 'Customers',
    loadComponent: () => import('./customer-list.component').then((m) => m.CustomerListComponent),
  },
  {
    path: 'new',
    title: 'New customer',
    canActivate: [roleGuard('analyst')],
    loadComponent: () => import('./customer-form.component').then((m) => m.CustomerFormComponent),
  },
  {
    path: ':id',
    title: 'Customer',
    loadComponent: () =>
      import('./customer-detail.component').then((m) => m.CustomerDetailComponent),
  },
  {
    path: ':id/edit',
    title: 'Edit customer',
    canActivate: [roleGuard('analyst')],
    loadComponent: () => import('./customer-form.component').then((m) => m.CustomerFormComponent),
  },
];
