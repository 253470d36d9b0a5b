import { DatePipe, DecimalPipe } from '@angular/common';
import { Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { Subscription } from 'rxjs';
import { ApiError, asApiError } from '../core/api-error';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { applyApiErrors } from '../shared/form-errors';
import { ImportApi, rejectsUrl } from './import-api.service';
import { ImportProgressComponent } from './import-progress.component';
import { CustomerImport, hasRejects, isImportFinished } from './import.models';

const ACCEPTED = /\.(csv|parquet)$/i;

/** Import customers from a CSV or Parquet file and watch the import job; recent imports below. */
@Component({
  selector: 'app-import-page',
  imports: [
    DatePipe,
    DecimalPipe,
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    ErrorBannerComponent,
    ImportProgressComponent,
  ],
  templateUrl: './import-page.component.html',
  styleUrl: './import-page.component.css',
})
export class ImportPageComponent {
  private readonly api = inject(ImportApi);
  private readonly destroyRef = inject(DestroyRef);

  private readonly recentResource = this.api.recentResource();
  protected readonly recent = computed(() =>
    this.recentResource.hasValue() ? (this.recentResource.value()?.items ?? []) : [],
  );
  protected readonly listError = computed(() => {
    const error = this.recentResource.error();
    return error ? asApiError(error) : null;
  });
  protected readonly file = signal<File | null>(null);
  protected readonly fileError = signal('');
  protected readonly form = new FormGroup({
    id_column: new FormControl('', { nonNullable: true }),
  });
  protected readonly current = signal<CustomerImport | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly uploading = signal(false);
  protected readonly busy = computed(() => {
    const current = this.current();
    return this.uploading() || (!!current && !isImportFinished(current));
  });
  protected readonly rejectsUrl = rejectsUrl;
  protected readonly hasRejects = hasRejects;
  private watching?: Subscription;

  chooseFile(event: Event): void {
    const file = (event.target as HTMLInputElement).files?.[0] ?? null;
    this.file.set(file);
    this.fileError.set(file && !ACCEPTED.test(file.name) ? 'Choose a .csv or .parquet file.' : '');
  }

  startImport(): void {
    const file = this.file();
    if (!file) {
      this.fileError.set('Choose a file to import.');
      return;
    }
    if (this.fileError()) return;
    this.error.set(null);
    this.uploading.set(true);
    this.api
      .upload(file, this.form.controls.id_column.value)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (item) => {
          this.uploading.set(false);
          this.follow(item);
        },
        error: (error: unknown) => {
          this.uploading.set(false);
          const apiError = asApiError(error);
          const placed =
            applyApiErrors(this.form, apiError, 'form.') || applyApiErrors(this.form, apiError);
          const fileMessage =
            apiError.fieldMessage('form.file') ??
            apiError.fieldMessage('files.file') ??
            apiError.fieldMessage('file');
          if (fileMessage) this.fileError.set(fileMessage);
          this.error.set(placed || fileMessage ? null : apiError);
        },
      });
  }

  reloadList(): void {
    this.recentResource.reload();
  }

  private follow(item: CustomerImport): void {
    this.watching?.unsubscribe();
    this.current.set(item);
    this.recentResource.reload();
    this.watching = this.api
      .watch(item)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (latest) => {
          this.current.set(latest);
          if (isImportFinished(latest)) this.recentResource.reload();
        },
        error: (error: unknown) => this.error.set(asApiError(error)),
      });
  }
}
