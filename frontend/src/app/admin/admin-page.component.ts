import { Component, computed, inject, input } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatTabChangeEvent, MatTabsModule } from '@angular/material/tabs';
import { ActivatedRoute, Router } from '@angular/router';
import { ApiKeysPanelComponent } from './api-keys-panel.component';
import { UsersPanelComponent } from './users-panel.component';

const TABS = ['users', 'api-keys'] as const;

/**
 * /admin: staff accounts and API keys, one tab each; ?tab=api-keys opens the second. Each tab
 * loads its list when opened (lazy tab content), so switching shows fresh data.
 */
@Component({
  selector: 'app-admin-page',
  imports: [MatCardModule, MatTabsModule, UsersPanelComponent, ApiKeysPanelComponent],
  template: `
    <header class="page-header">
      <h1>Administration</h1>
      <p class="lede">Who may sign in, and which systems may call the API.</p>
    </header>
    <mat-card appearance="outlined">
      <mat-tab-group
        [selectedIndex]="selectedIndex()"
        (selectedTabChange)="selectTab($event)"
        animationDuration="0ms"
        mat-stretch-tabs="false"
      >
        <mat-tab label="Users">
          <ng-template matTabContent>
            <div class="tab-body"><app-users-panel /></div>
          </ng-template>
        </mat-tab>
        <mat-tab label="API keys">
          <ng-template matTabContent>
            <div class="tab-body"><app-api-keys-panel /></div>
          </ng-template>
        </mat-tab>
      </mat-tab-group>
    </mat-card>
  `,
  styles: `
    .tab-body {
      padding: 20px 16px 8px;
    }
  `,
})
export class AdminPageComponent {
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  /** Query parameter ?tab= (component input binding). */
  readonly tab = input<string>();
  protected readonly selectedIndex = computed(() =>
    Math.max(0, TABS.indexOf(this.tab() as (typeof TABS)[number])),
  );

  selectTab(event: MatTabChangeEvent): void {
    const tab = TABS[event.index];
    if (tab === (this.tab() ?? 'users')) return;
    this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { tab: tab === 'users' ? null : tab },
      replaceUrl: true,
    });
  }
}
