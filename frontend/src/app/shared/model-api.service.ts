import { HttpClient, httpResource } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';
import { segmentationParams } from '../core/segmentation/segmentation-context.service';
import { ActiveModel, SegmentsResponse } from './model.models';

const BASE = '/api/v1/segmentation';

/** The active model and the segments of a segmentation. */
@Injectable({ providedIn: 'root' })
export class ModelApi {
  private readonly http = inject(HttpClient);

  /** A resource that follows `segmentation()` (call from an injection context). */
  activeModelResource(segmentation: () => string) {
    return httpResource<ActiveModel>(() => ({
      url: `${BASE}/model`,
      params: segmentationParams(segmentation()),
    }));
  }

  segmentsResource(segmentation: () => string) {
    return httpResource<SegmentsResponse>(() => ({
      url: `${BASE}/segments`,
      params: segmentationParams(segmentation()),
    }));
  }

  getSegments(segmentation: string): Observable<SegmentsResponse> {
    return this.http.get<SegmentsResponse>(`${BASE}/segments`, {
      params: segmentationParams(segmentation),
    });
  }
}
