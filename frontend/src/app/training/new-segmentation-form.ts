import { FormControl, FormGroup, Validators } from '@angular/forms';
import { FeatureKind } from '../core/segmentation/segmentation.models';
import { CustomerColumn, NewSegmentation, SegmentationPreset } from './training.models';

export type ColumnChoice = FormGroup<{
  use: FormControl<boolean>;
  kind: FormControl<FeatureKind | null>;
}>;

export type NewSegmentationForm = FormGroup<{
  name: FormControl<string>;
  preset: FormControl<string | null>;
  columns: FormGroup<Record<string, ColumnChoice>>;
}>;

/** Lower-case letters, digits, "-" and "_": the name goes into URLs (`?segmentation=`). */
export const SEGMENTATION_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** One row per column: unticked, with the kind the server suggests. */
export function buildNewSegmentationForm(columns: CustomerColumn[]): NewSegmentationForm {
  const choices: Record<string, ColumnChoice> = {};
  for (const column of columns) {
    choices[column.name] = new FormGroup({
      use: new FormControl(false, { nonNullable: true }),
      kind: new FormControl<FeatureKind | null>(column.suggested_kind ?? null),
    });
  }
  return new FormGroup({
    name: new FormControl('', {
      nonNullable: true,
      validators: [
        Validators.required,
        Validators.maxLength(64),
        Validators.pattern(SEGMENTATION_NAME),
      ],
    }),
    preset: new FormControl<string | null>(null),
    columns: new FormGroup(choices),
  });
}

/** Ticks the preset's columns (matched ignoring case) with the preset's kinds, unticks the rest. */
export function applyPreset(
  form: NewSegmentationForm,
  preset: SegmentationPreset | undefined,
): void {
  if (!preset) return;
  const kinds = new Map(preset.features.map((f) => [f.name.toLowerCase(), f.kind]));
  for (const [name, choice] of Object.entries(form.controls.columns.controls)) {
    const kind = kinds.get(name.toLowerCase());
    choice.setValue({ use: kind !== undefined, kind: kind ?? choice.controls.kind.value });
  }
}

/** The ticked columns, in the order the server listed them. */
export function selectedColumns(form: NewSegmentationForm): [string, ColumnChoice][] {
  return Object.entries(form.controls.columns.controls).filter(([, c]) => c.controls.use.value);
}

/** The POST /api/v1/segmentations body. */
export function toNewSegmentation(form: NewSegmentationForm): NewSegmentation {
  const { name, preset } = form.getRawValue();
  const body: NewSegmentation = {
    name: name.trim(),
    features: selectedColumns(form).map(([column, c]) => ({
      name: column,
      kind: c.controls.kind.value as FeatureKind,
    })),
  };
  // a name GET /segmentations/presets listed
  if (preset) body.preset = preset as NewSegmentation['preset'];
  return body;
}
