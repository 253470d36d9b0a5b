import { Clipboard } from '@angular/cdk/clipboard';
import { Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { Observable, map } from 'rxjs';
import { ROLE_LABELS } from '../core/auth/auth.models';
import { NewApiKey } from './admin.models';

/**
 * Shows a new API key the only time it exists in clear: the API stores just its hash. Escape and
 * clicks outside do not close it, so the key is never lost by accident; "Done" does.
 */
@Component({
  selector: 'app-new-api-key-dialog',
  imports: [MatDialogModule, MatButtonModule, MatIconModule],
  template: `
    <h2 mat-dialog-title>API key created</h2>
    <mat-dialog-content>
      <p class="warning" id="new-key-warning">
        <mat-icon aria-hidden="true">warning</mat-icon>
        <span>
          Copy this key now and keep it somewhere safe.
          <strong>You will not see it again:</strong> only a hash of it is stored.
        </span>
      </p>
      <p class="muted">
        “{{ data.name }}” · {{ roleLabels[data.role] }} · prefix {{ data.prefix }}
      </p>
      <label class="key-label" for="new-api-key">API key</label>
      <div class="key-row">
        <textarea
          id="new-api-key"
          class="key"
          data-testid="new-api-key"
          rows="2"
          readonly
          spellcheck="false"
          aria-describedby="new-key-warning"
          [value]="data.key"
          (focus)="selectAll($event)"
        ></textarea>
        <button mat-stroked-button type="button" (click)="copyKey()" cdkFocusInitial>
          <mat-icon>content_copy</mat-icon>Copy key
        </button>
      </div>
      <p class="copy-status" role="status">{{ copyStatus() }}</p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-flat-button type="button" mat-dialog-close>Done, I have copied it</button>
    </mat-dialog-actions>
  `,
  styles: `
    .warning {
      display: flex;
      gap: 8px;
      padding: 12px;
      border-radius: 8px;
      background: #fff4e5;
      color: #663c00;
    }
    .key-label {
      display: block;
      font-weight: 500;
      margin-bottom: 4px;
    }
    .key-row {
      display: flex;
      gap: 8px;
      align-items: center;
    }
    .key {
      flex: 1;
      min-width: 0;
      padding: 8px;
      font:
        0.9rem/1.4 ui-monospace,
        monospace;
      border: 1px solid #9aa3ad;
      border-radius: 4px;
      background: #f4f6f9;
      word-break: break-all;
      resize: none;
    }
    .copy-status {
      min-height: 1.4em;
      margin: 8px 0 0;
    }
  `,
})
export class NewApiKeyDialogComponent {
  protected readonly data = inject<NewApiKey>(MAT_DIALOG_DATA);
  private readonly clipboard = inject(Clipboard);
  protected readonly roleLabels = ROLE_LABELS;
  protected readonly copyStatus = signal('');

  copyKey(): void {
    this.copyStatus.set(
      this.clipboard.copy(this.data.key)
        ? 'Copied to the clipboard.'
        : 'Copying failed: select the key and copy it by hand.',
    );
  }

  protected selectAll(event: FocusEvent): void {
    (event.target as HTMLTextAreaElement).select();
  }
}

/** Opens the dialog with the new key; completes when the admin closes it. */
export function showNewApiKey(dialog: MatDialog, key: NewApiKey): Observable<void> {
  return dialog
    .open(NewApiKeyDialogComponent, { data: key, width: '560px', disableClose: true })
    .afterClosed()
    .pipe(map(() => undefined));
}
