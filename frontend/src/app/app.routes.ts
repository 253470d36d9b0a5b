import { Routes } from '@angular/router';

export const routes: Routes = [
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
    path: 'customers',
    loadChildren: () => import('./customers/customers.routes').then((m) => m.CUSTOMER_ROUTES),
  },
  {
    path: '**',
    title: 'Page not found',
    loadComponent: () =>
      import('./core/not-found.component').then((m) => m.NotFoundComponent),
  },
];
