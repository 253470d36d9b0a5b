import { Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatToolbarModule } from '@angular/material/toolbar';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { ROLE_LABELS, Role } from './auth/auth.models';
import { AuthService } from './auth/auth.service';
import { SegmentationContext } from './segmentation/segmentation-context.service';
import { SegmentationSwitcherComponent } from './segmentation/segmentation-switcher.component';

interface NavLink {
  path: string;
  label: string;
  icon: string;
  exact: boolean;
  /** Shown only to users with this role or a higher one. */
  role?: Role;
}

/** Application frame: toolbar with the main navigation, the signed-in user, and the routed page. */
@Component({
  selector: 'app-root',
  imports: [
    SegmentationSwitcherComponent,
    MatToolbarModule,
    MatButtonModule,
    MatIconModule,
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
  ],
  templateUrl: './shell.component.html',
  styleUrl: './shell.component.css',
})
export class ShellComponent {
  protected readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  protected readonly segmentation = inject(SegmentationContext);
  protected readonly roleLabels = ROLE_LABELS;
  protected readonly signingOut = signal(false);
  private readonly allLinks: NavLink[] = [
    { path: '/', label: 'Predict', icon: 'insights', exact: true },
    { path: '/segments', label: 'Segments', icon: 'donut_small', exact: false },
    { path: '/training', label: 'Training', icon: 'model_training', exact: false },
    { path: '/monitoring', label: 'Monitoring', icon: 'monitor_heart', exact: false },
    { path: '/customers', label: 'Customers', icon: 'people', exact: false },
    { path: '/import', label: 'Import', icon: 'upload_file', exact: false, role: 'analyst' },
    { path: '/admin', label: 'Admin', icon: 'admin_panel_settings', exact: false, role: 'admin' },
  ];
  protected readonly links = computed(() =>
    this.allLinks.filter((link) => !link.role || this.auth.can(link.role)),
  );

  signOut(): void {
    this.signingOut.set(true);
    const done = () => {
      this.signingOut.set(false);
      this.router.navigate(['/login']);
    };
    this.auth.logout().subscribe({ complete: done, error: done });
  }
}
