import { DecimalPipe } from '@angular/common';
import { Component, computed, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';
import { ApiError, asApiError } from '../core/api-error';
import { SegmentationContext } from '../core/segmentation/segmentation-context.service';
import { ErrorBannerComponent } from '../shared/error-banner.component';
import { modelLoadMessage } from '../shared/model-errors';
import { fallbackSpecs, featureSpecsOf } from '../shared/feature-format';
import { ModelApi } from '../shared/model-api.service';
import { Segment, SegmentsResponse } from '../shared/model.models';
import { ProjectionChartComponent } from './projection-chart.component';
import { SegmentCardComponent } from './segment-card.component';
import { SegmentsApi } from './segments-api.service';
import { ProjectionResponse } from './segments.models';

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
  /** The load error in words: no model yet (with `next`), or the server's own message. */
  protected modelMessage(error: ApiError, next: string): string {
    return modelLoadMessage(error, `No model is active for this segmentation yet. ${next}`);
  }

  protected readonly context = inject(SegmentationContext);
  private readonly modelApi = inject(ModelApi);

  private readonly segments = this.modelApi.segmentsResource(this.context.current);
  private readonly model = this.modelApi.activeModelResource(this.context.current);
  private readonly projection = inject(SegmentsApi).projectionResource(this.context.current);

  protected readonly data = computed(() =>
    this.segments.hasValue() ? this.segments.value() : null,
  );
  protected readonly error = computed(() => errorOf(this.segments.error()));
  protected readonly points = computed(() =>
    this.projection.hasValue() ? this.projection.value() : null,
  );
  protected readonly projectionError = computed(() => errorOf(this.projection.error()));
  /** The model's features with labels and units; names only until the model has loaded. */
  protected readonly features = computed(() => {
    const model = this.model.hasValue() ? this.model.value() : null;
    if (model) return featureSpecsOf(model);
    const data = this.data();
    const names = Object.keys(data?.population_mean ?? data?.segments[0]?.profile ?? {});
    return fallbackSpecs(names);
  });

  load(): void {
    this.segments.reload();
    this.model.reload();
    this.projection.reload();
  }

  replaceSegment(updated: Segment): void {
    this.segments.update(
      (data) =>
        data && {
          ...data,
          segments: data.segments.map((s) => (s.id === updated.id ? { ...s, ...updated } : s)),
        },
    );
  }

  totalCustomers(data: SegmentsResponse): number {
    return data.segments.reduce((sum, s) => sum + s.size, 0);
  }

  explained(projection: ProjectionResponse): string {
    const share = (projection.explained_variance ?? []).slice(0, 2).reduce((a, b) => a + b, 0);
    return `${Math.round(share * 100)}%`;
  }
}

function errorOf(error: unknown) {
  return error ? asApiError(error) : null;
}
