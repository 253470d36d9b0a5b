import { Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';

/** A plain-words error message with an optional "Try again" action. */
@Component({
  selector: 'app-error-banner',
  imports: [MatIconModule, MatButtonModule],
  template: `
    <div class="banner" role="alert">
      <mat-icon aria-hidden="true">error_outline</mat-icon>
      <span class="text">{{ message() }}</span>
      @if (retryable()) {
        <button mat-button type="button" (click)="retry.emit()">Try again</button>
      }
    </div>
  `,
  styles: `
    .banner {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 12px 16px;
      margin: 0 0 16px;
      border-radius: 8px;
      background: #fdecea;
      color: #8a1c1c;
      border: 1px solid #f5c2c0;
    }
    .text {
      flex: 1;
    }
  `,
})
export class ErrorBannerComponent {
  readonly message = input.required<string>();
  readonly retryable = input(false);
  readonly retry = output<void>();
}
