import { Component, computed, inject, signal } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { ApiError, asApiError } from '../core/api-error';
import { SegmentationContext } from '../core/segmentation/segmentation-context.service';
import { FEATURE_KINDS } from '../core/segmentation/segmentation.models';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { applyApiErrors } from '../shared/form-errors';
import { mutation } from '../shared/mutation';
import { errorMessage } from '../shared/number-validators';
import {
  NewSegmentationForm,
  applyPreset,
  buildNewSegmentationForm,
  selectedColumns,
  toNewSegmentation,
} from './new-segmentation-form';
import { TrainingApi } from './training-api.service';

/**
 * "New segmentation": pick customer columns (built in or imported) and a kind for each, name it,
 * optionally start from a preset; on success the app switches to it so it can be trained.
 */
@Component({
  selector: 'app-new-segmentation',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    ErrorBannerComponent,
  ],
  templateUrl: './new-segmentation.component.html',
  styleUrl: './new-segmentation.component.css',
})
export class NewSegmentationComponent {
  private readonly api = inject(TrainingApi);
  private readonly context = inject(SegmentationContext);

  private readonly columnsResource = this.api.columnsResource();
  private readonly presetsResource = this.api.presetsResource();
  protected readonly columns = computed(() =>
    this.columnsResource.hasValue() ? (this.columnsResource.value()?.items ?? []) : [],
  );
  protected readonly presets = computed(() =>
    this.presetsResource.hasValue() ? (this.presetsResource.value()?.items ?? []) : [],
  );
  protected readonly loadError = computed(() => {
    const error = this.columnsResource.error();
    return error ? asApiError(error) : null;
  });
  protected readonly form = computed<NewSegmentationForm>(() =>
    buildNewSegmentationForm(this.columns()),
  );
  protected readonly kinds = FEATURE_KINDS;
  protected readonly create = mutation();
  protected readonly selectionError = signal('');
  protected readonly created = signal<string | null>(null);

  choosePreset(name: string | null): void {
    applyPreset(
      this.form(),
      this.presets().find((p) => p.name === name),
    );
  }

  nameError(): string {
    return errorMessage(this.form().controls.name, 'Name');
  }

  /** Column names may hold dots, so the control is looked up by key, not by path. */
  kindError(column: string): string {
    return errorMessage(this.form().controls.columns.controls[column]?.controls.kind, 'Kind');
  }

  createSegmentation(): void {
    const form = this.form();
    this.create.clearError();
    this.created.set(null);
    const selected = selectedColumns(form);
    this.selectionError.set(selected.length ? '' : 'Pick at least one column.');
    for (const [, choice] of selected) {
      if (!choice.controls.kind.value) choice.controls.kind.setErrors({ required: true });
    }
    if (form.invalid || !selected.length) {
      form.markAllAsTouched();
      return;
    }
    this.create.run(this.api.createSegmentation(toNewSegmentation(form)), {
      done: (segmentation) => {
        this.created.set(segmentation.name);
        this.context.listChanged();
        void this.context.select(segmentation.name);
      },
      failed: (error) => {
        const onFields = applyApiErrors(form, error).placed;
        const onColumns = this.placeFeatureErrors(error);
        const general = error.fieldMessage('features') ?? error.fieldMessage('source');
        if (general) this.selectionError.set(general);
        return onFields || onColumns || !!general;
      },
    });
  }

  /** "features.2.kind" concerns the third ticked column; true when one was placed. */
  private placeFeatureErrors(error: ApiError): boolean {
    let placed = false;
    const selected = selectedColumns(this.form());
    for (const [path, messages] of Object.entries(error.fieldErrors)) {
      const match = /^features\.(\d+)(?:\.(\w+))?$/.exec(path);
      const choice = match ? selected[Number(match[1])]?.[1] : undefined;
      if (!choice) continue;
      choice.controls.kind.setErrors({ api: messages[0] });
      choice.controls.kind.markAsTouched();
      placed = true;
    }
    return placed;
  }
}
