import { httpResource } from '@angular/common/http';
import { Component, computed, inject } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { SegmentationContext } from './segmentation-context.service';
import { Segmentation } from './segmentation.models';

/** Toolbar select: which segmentation every page shows (kept in the URL). */
@Component({
  selector: 'app-segmentation-switcher',
  imports: [MatFormFieldModule, MatSelectModule],
  template: `
    <mat-form-field class="switcher" subscriptSizing="dynamic" appearance="outline">
      <mat-label>Segmentation</mat-label>
      <mat-select
        [value]="context.current()"
        (selectionChange)="switchTo($event.value)"
        data-testid="segmentation-switcher"
      >
        @for (name of names(); track name) {
          <mat-option [value]="name">{{ name }}</mat-option>
        }
      </mat-select>
    </mat-form-field>
  `,
  styles: `
    .switcher {
      width: 200px;
      font-size: 0.9rem;
      --mat-form-field-container-height: 40px;
      --mat-form-field-container-vertical-padding: 8px;
      --mat-form-field-outlined-outline-color: rgb(255 255 255 / 0.6);
      --mat-form-field-outlined-label-text-color: rgb(255 255 255 / 0.85);
      --mat-form-field-outlined-focus-label-text-color: #fff;
      --mat-form-field-outlined-focus-outline-color: #fff;
      --mat-select-enabled-trigger-text-color: #fff;
      --mat-select-enabled-arrow-color: #fff;
      --mat-form-field-outlined-hover-outline-color: #fff;
    }
  `,
})
export class SegmentationSwitcherComponent {
  protected readonly context = inject(SegmentationContext);
  private readonly segmentations = httpResource<{ items: Segmentation[] }>(() => {
    this.context.revision();
    return '/api/v1/segmentations';
  });

  /** Known segmentations, plus the current one while the list loads or if the URL names another. */
  protected readonly names = computed(() => {
    const list = this.segmentations.hasValue() ? (this.segmentations.value()?.items ?? []) : [];
    const names = list.map((s) => s.name);
    const current = this.context.current();
    return names.includes(current) ? names : [current, ...names];
  });

  switchTo(name: string): void {
    void this.context.select(name);
  }
}
