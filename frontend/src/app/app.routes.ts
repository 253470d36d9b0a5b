import { Routes } from '@angular/router';
import { authGuard, roleGuard, signedOutGuard } from './core/auth/auth.guards';

export const routes: Routes = [
  {
    path: 'login',
    title: 'Sign in',
    canActivate: [signedOutGuard],
    loadComponent: () => import('./core/auth/login.component').then((m) => m.LoginComponent),
  },
  {
    path: '',
    canActivateChild: [authGuard],
    children: [
      {
        path: '',
        pathMatch: 'full',
        title: 'Predict segment',
        loadComponent: () =>
          import('./predict/segment-predictor.component').then((m) => m.SegmentPredictorComponent),
      },
      {
        path: 'segments',
        title: 'Segments',
        loadComponent: () =>
          import('./segments/segments-page.component').then((m) => m.SegmentsPageComponent),
      },
      {
        path: 'training',
        title: 'Training',
        loadComponent: () =>
          import('./training/training-page.component').then((m) => m.TrainingPageComponent),
      },
      {
        path: 'monitoring',
        title: 'Monitoring',
        loadComponent: () =>
          import('./monitoring/monitoring-page.component').then((m) => m.MonitoringPageComponent),
      },
      {
        path: 'customers',
        loadChildren: () => import('./customers/customers.routes').then((m) => m.CUSTOMER_ROUTES),
      },
      {
        path: 'import',
        title: 'Import customers',
        canActivate: [roleGuard('analyst')],
        loadComponent: () =>
          import('./imports/import-page.component').then((m) => m.ImportPageComponent),
      },
      {
        path: 'admin',
        loadChildren: () => import('./admin/admin.routes').then((m) => m.ADMIN_ROUTES),
      },
      {
        path: 'forbidden',
        title: 'Not allowed',
        loadComponent: () => import('./core/forbidden.component').then((m) => m.ForbiddenComponent),
      },
      {
        path: '**',
        title: 'Page not found',
        loadComponent: () => import('./core/not-found.component').then((m) => m.NotFoundComponent),
      },
    ],
  },
];
