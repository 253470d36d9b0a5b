import { DatePipe, DecimalPipe } from '@angular/common';
import { Component, computed, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { asApiError } from '../core/api-error';
import { SegmentationContext } from '../core/segmentation/segmentation-context.service';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { DriftChartComponent } from './drift-chart.component';
import { MonitoringApi } from './monitoring-api.service';
import { JobOutcome } from './monitoring.models';
import { SegmentSizesChartComponent } from './segment-sizes-chart.component';

/**
 * How the current segmentation is doing in operation: drift over time from the worker's
 * scheduled checks, segment sizes over model versions, and the latest training outcomes.
 */
@Component({
  selector: 'app-monitoring-page',
  imports: [
    DatePipe,
    DecimalPipe,
    MatButtonModule,
    MatCardModule,
    MatIconModule,
    ErrorBannerComponent,
    DriftChartComponent,
    SegmentSizesChartComponent,
  ],
  templateUrl: './monitoring-page.component.html',
  styleUrl: './monitoring-page.component.css',
})
export class MonitoringPageComponent {
  protected readonly context = inject(SegmentationContext);
  private readonly resource = inject(MonitoringApi).overviewResource(this.context.current);

  protected readonly overview = computed(() =>
    this.resource.hasValue() ? this.resource.value() : null,
  );
  protected readonly error = computed(() => {
    const error = this.resource.error();
    return error ? asApiError(error) : null;
  });
  protected readonly loading = this.resource.isLoading;
  /** The latest drift checks first, for the table. */
  protected readonly latestChecks = computed(() =>
    [...(this.overview()?.items ?? [])].reverse().slice(0, 10),
  );

  reload(): void {
    this.resource.reload();
  }

  protected duration(job: JobOutcome): string {
    if (job.seconds == null) return '—';
    return job.seconds < 60
      ? `${job.seconds.toFixed(1)} s`
      : `${Math.floor(job.seconds / 60)} min ${Math.round(job.seconds % 60)} s`;
  }
}
