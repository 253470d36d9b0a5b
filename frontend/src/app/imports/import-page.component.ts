import { DatePipe, DecimalPipe } from '@angular/common';
import { Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { tap } from 'rxjs';
import { ApiError, asApiError } from '../core/api-error';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { applyApiErrors } from '../shared/form-errors';
import { mutation } from '../shared/mutation';
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
  protected readonly upload = mutation();
  /** The import last started here; `progress` polls it until it ends. */
  private readonly started = signal<CustomerImport | null>(null);
  private readonly progress = rxResource({
    params: () => this.started() ?? undefined,
    stream: ({ params }) =>
      this.api.watch(params).pipe(
        tap((latest) => {
          if (isImportFinished(latest)) this.recentResource.reload();
        }),
      ),
  });
  protected readonly current = computed(() =>
    this.progress.hasValue() ? this.progress.value() : this.started(),
  );
  protected readonly error = computed<ApiError | null>(() => {
    const error = this.progress.error();
    return error ? asApiError(error) : this.upload.error();
  });
  protected readonly busy = computed(() => {
    const current = this.current();
    return this.upload.pending() || (!!current && !isImportFinished(current));
  });
  protected readonly rejectsUrl = rejectsUrl;
  protected readonly hasRejects = hasRejects;

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
    this.upload.run(this.api.upload(file, this.form.controls.id_column.value), {
      done: (item) => {
        this.started.set(item);
        this.recentResource.reload();
      },
      failed: (error) => {
        const placed = applyApiErrors(this.form, error, { prefixes: ['form.'] }).placed;
        const fileMessage =
          error.fieldMessage('form.file') ??
          error.fieldMessage('files.file') ??
          error.fieldMessage('file');
        if (fileMessage) this.fileError.set(fileMessage);
        return placed || !!fileMessage;
      },
    });
  }

  reloadList(): void {
    this.recentResource.reload();
  }
}
