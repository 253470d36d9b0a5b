import { Component } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

interface NavLink {
  path: string;
  label: string;
  icon: string;
  exact: boolean;
}

/** Application frame: toolbar with the main navigation and the routed page. */
@Component({
  selector: 'app-root',
  imports: [MatToolbarModule, MatButtonModule, MatIconModule, RouterOutlet, RouterLink, RouterLinkActive],
  templateUrl: './shell.component.html',
  styleUrl: './shell.component.css',
})
export class ShellComponent {
  protected readonly links: NavLink[] = [
    { path: '/', label: 'Predict', icon: 'insights', exact: true },
    { path: '/segments', label: 'Segments', icon: 'donut_small', exact: false },
    { path: '/training', label: 'Training', icon: 'model_training', exact: false },
    { path: '/customers', label: 'Customers', icon: 'people', exact: false },
  ];
}
