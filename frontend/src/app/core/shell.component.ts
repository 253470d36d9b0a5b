import { Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatToolbarModule } from '@angular/material/toolbar';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { ROLE_LABELS } from './auth/auth.models';
import { AuthService } from './auth/auth.service';

interface NavLink {
  path: string;
  label: string;
  icon: string;
  exact: boolean;
}

/** Only admins see it; /admin itself also turns others away. */
const ADMIN_LINK: NavLink = {
  path: '/admin',
  label: 'Admin',
  icon: 'admin_panel_settings',
  exact: false,
};

/** Application frame: toolbar with the main navigation, the signed-in user, and the routed page. */
@Component({
  selector: 'app-root',
  imports: [MatToolbarModule, MatButtonModule, MatIconModule, RouterOutlet, RouterLink, RouterLinkActive],
  templateUrl: './shell.component.html',
  styleUrl: './shell.component.css',
})
export class ShellComponent {
  protected readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  protected readonly roleLabels = ROLE_LABELS;
  protected readonly signingOut = signal(false);
  protected readonly links = computed<NavLink[]>(() => [
    { path: '/', label: 'Predict', icon: 'insights', exact: true },
    { path: '/segments', label: 'Segments', icon: 'donut_small', exact: false },
    { path: '/training', label: 'Training', icon: 'model_training', exact: false },
    { path: '/customers', label: 'Customers', icon: 'people', exact: false },
    ...(this.auth.isAdmin() ? [ADMIN_LINK] : []),
  ]);

  signOut(): void {
    this.signingOut.set(true);
    const done = () => {
      this.signingOut.set(false);
      this.router.navigate(['/login']);
    };
    this.auth.logout().subscribe({ complete: done, error: done });
  }
}
