import { Routes } from '@angular/router';

export const CUSTOMER_ROUTES: Routes = [
  {
    path: '',
    title: 'Customers',
    loadComponent: () => import('./customer-list.component').then((m) => m.CustomerListComponent),
  },
  {
    path: 'new',
    title: 'New customer',
    loadComponent: () => import('./customer-form.component').then((m) => m.CustomerFormComponent),
  },
  {
    path: ':id',
    title: 'Customer',
    loadComponent: () => import('./customer-detail.component').then((m) => m.CustomerDetailComponent),
  },
  {
    path: ':id/edit',
    title: 'Edit customer',
    loadComponent: () => import('./customer-form.component').then((m) => m.CustomerFormComponent),
  },
];
