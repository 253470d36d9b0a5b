import { HttpClient, httpResource } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';
import { segmentationParams } from '../core/segmentation/segmentation-context.service';
import { Segment } from '../shared/model.models';
import { ProjectionResponse, SegmentChanges } from './segments.models';

const BASE = '/api/v1/segmentation';

/** Segment edits and the customer map of a segmentation. */
@Injectable({ providedIn: 'root' })
export class SegmentsApi {
  private readonly http = inject(HttpClient);

  /** A sample of customers projected onto two dimensions; follows `segmentation()`. */
  projectionResource(segmentation: () => string, sample = 2000) {
    return httpResource<ProjectionResponse>(() => ({
      url: `${BASE}/projection`,
      params: segmentationParams(segmentation()).set('sample', sample),
    }));
  }

  updateSegment(segmentation: string, id: number, changes: SegmentChanges): Observable<Segment> {
    return this.http.patch<Segment>(`${BASE}/segments/${id}`, changes, {
      params: segmentationParams(segmentation),
    });
  }
}
