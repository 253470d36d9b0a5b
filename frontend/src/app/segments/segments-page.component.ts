import { DecimalPipe } from '@angular/common';
import { Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatCardModule } from '@angular/material/card';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { ApiError, asApiError } from '../core/api-error';
import { SegmentationApi } from '../core/segmentation-api.service';
import { ProjectionResponse, Segment, SegmentsResponse } from '../core/segmentation.models';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { ProjectionChartComponent } from './projection-chart.component';
import { SegmentCardComponent } from './segment-card.component';

/** All segments of the active model: cards with profiles and strategies, plus a 2-D map. */
@Component({
  selector: 'app-segments-page',
  imports: [
    DecimalPipe,
    MatCardModule,
    MatProgressSpinnerModule,
    ErrorBannerComponent,
    ProjectionChartComponent,
    SegmentCardComponent,
  ],
  templateUrl: './segments-page.component.html',
  styleUrl: './segments-page.component.css',
})
export class SegmentsPageComponent {
  private readonly api = inject(SegmentationApi);
  private readonly destroyRef = inject(DestroyRef);

  protected readonly data = signal<SegmentsResponse | null>(null);
  protected readonly projection = signal<ProjectionResponse | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly projectionError = signal<ApiError | null>(null);

  constructor() {
    this.load();
  }

  load(): void {
    this.error.set(null);
    this.projectionError.set(null);
    this.api
      .getSegments()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (data) => this.data.set(data),
        error: (error: unknown) => this.error.set(asApiError(error)),
      });
    this.api
      .getProjection(2000)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (projection) => this.projection.set(projection),
        error: (error: unknown) => this.projectionError.set(asApiError(error)),
      });
  }

  replaceSegment(updated: Segment): void {
    this.data.update(
      (data) =>
        data && {
          ...data,
          segments: data.segments.map((s) => (s.id === updated.id ? updated : s)),
        },
    );
  }

  totalCustomers(data: SegmentsResponse): number {
    return totalOf(data);
  }

  explained(projection: ProjectionResponse): string {
    const share = (projection.explained_variance ?? []).slice(0, 2).reduce((a, b) => a + b, 0);
    return `${Math.round(share * 100)}%`;
  }

  features(data: SegmentsResponse): string[] {
    return Object.keys(data.population_mean ?? data.segments[0]?.profile ?? {});
  }
}

export function totalOf(data: SegmentsResponse): number {
  return data.segments.reduce((sum, s) => sum + s.size, 0);
}
