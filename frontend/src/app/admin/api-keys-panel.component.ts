import { DatePipe } from '@angular/common';
import { Component, ElementRef, computed, inject, signal, viewChild } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { filter, switchMap } from 'rxjs';
import { asApiError } from '../core/api-error';
import { ROLE_LABELS, Role } from '../core/auth/auth.models';
import { confirmAction } from '../shared/confirm-dialog.component';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { AdminApi } from './admin-api.service';
import { ApiKey } from './admin.models';
import { ApiKeyFormComponent } from './api-key-form.component';

/** API keys: the list (prefix only, never a key), a form for new keys, and revocation. */
@Component({
  selector: 'app-api-keys-panel',
  imports: [
    DatePipe,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    MatTableModule,
    ErrorBannerComponent,
    ApiKeyFormComponent,
  ],
  templateUrl: './api-keys-panel.component.html',
  styleUrl: './admin-tables.css',
})
export class ApiKeysPanelComponent {
  private readonly api = inject(AdminApi);
  private readonly dialog = inject(MatDialog);
  private readonly title = viewChild.required<ElementRef<HTMLElement>>('title');

  protected readonly keys = rxResource({ stream: () => this.api.listApiKeys() });
  protected readonly rows = computed(() => (this.keys.hasValue() ? this.keys.value() : []));
  protected readonly loadError = computed(() => {
    const error = this.keys.error();
    return error ? asApiError(error).message : '';
  });
  protected readonly actionError = signal('');
  protected readonly columns = [
    'name',
    'role',
    'prefix',
    'created',
    'lastUsed',
    'status',
    'actions',
  ];

  protected roleLabel(role: Role): string {
    return ROLE_LABELS[role] ?? role;
  }

  addKey(row: ApiKey): void {
    this.actionError.set('');
    this.replaceOrAppend(row);
  }

  revokeKey(key: ApiKey): void {
    this.actionError.set('');
    confirmAction(this.dialog, {
      title: 'Revoke API key?',
      message: `“${key.name}” (prefix ${key.prefix}) stops working at once. This cannot be undone.`,
      confirmLabel: 'Revoke key',
      destructive: true,
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.revokeApiKey(key.id)),
      )
      .subscribe({
        next: (revoked) => {
          this.replaceOrAppend(revoked);
          this.title().nativeElement.focus(); // the focused Revoke button is gone
        },
        error: (error: unknown) => this.actionError.set(asApiError(error).message),
      });
  }

  private replaceOrAppend(row: ApiKey): void {
    if (!this.keys.hasValue()) {
      this.keys.reload();
      return;
    }
    this.keys.value.update((list) =>
      list.some((k) => k.id === row.id)
        ? list.map((k) => (k.id === row.id ? row : k))
        : [...list, row],
    );
  }
}
