import { DatePipe, DecimalPipe } from '@angular/common';
import { Component, computed, inject, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatTableModule } from '@angular/material/table';
import { filter, finalize, switchMap } from 'rxjs';
import { AuthService } from '../core/auth/auth.service';
import { SegmentationContext } from '../core/segmentation/segmentation-context.service';
import { confirmAction } from '../shared/confirm-dialog.component';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { mutation } from '../shared/mutation';
import { TrainingApi } from './training-api.service';
import { ModelVersion } from './training.models';

/** Every trained model version, with "Activate" to roll forward or back. */
@Component({
  selector: 'app-models-table',
  imports: [MatTableModule, MatButtonModule, DatePipe, DecimalPipe, ErrorBannerComponent],
  templateUrl: './models-table.component.html',
  styleUrl: './training-tables.css',
})
export class ModelsTableComponent {
  private readonly api = inject(TrainingApi);
  private readonly context = inject(SegmentationContext);
  private readonly dialog = inject(MatDialog);

  readonly models = input.required<ModelVersion[]>();
  readonly activated = output<ModelVersion>();

  protected readonly busyVersion = signal<number | null>(null);
  protected readonly activation = mutation();
  /** Only admins activate versions; the others see the table without the action column. */
  protected readonly canActivate = inject(AuthService).isAdmin;
  protected readonly columns = computed(() => [
    ...['version', 'status', 'k', 'silhouette', 'db', 'rows', 'created'],
    ...(this.canActivate() ? ['action'] : []),
  ]);

  activateModel(model: ModelVersion): void {
    const confirmed = confirmAction(this.dialog, {
      title: `Activate model version ${model.version}?`,
      message:
        `All new predictions will use version ${model.version} (k = ${model.k}) and customers ` +
        'will be re-segmented. You can switch back at any time.',
      confirmLabel: 'Activate',
    }).pipe(filter(Boolean));
    const activated = confirmed.pipe(
      switchMap(() => {
        this.busyVersion.set(model.version);
        return this.api.activateModel(this.context.current(), model.version);
      }),
      finalize(() => this.busyVersion.set(null)),
    );
    this.activation.run(activated, { done: (active) => this.activated.emit(active) });
  }
}
