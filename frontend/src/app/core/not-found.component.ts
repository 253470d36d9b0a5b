import { Component } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';

@Component({
  selector: 'app-not-found',
  imports: [MatButtonModule, RouterLink],
  template: `
    <h1>Page not found</h1>
    <p>The page you asked for does not exist.</p>
    <a mat-flat-button routerLink="/">Go to Predict</a>
  `,
})
export class NotFoundComponent {}
