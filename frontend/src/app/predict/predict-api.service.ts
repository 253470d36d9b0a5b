import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';
import { segmentationParams } from '../core/segmentation/segmentation-context.service';
import { FeatureValues, PredictionResponse } from './predict.models';

/** predict-segment for one customer of a segmentation. */
@Injectable({ providedIn: 'root' })
export class PredictApi {
  private readonly http = inject(HttpClient);

  predictSegment(segmentation: string, values: FeatureValues): Observable<PredictionResponse> {
    return this.http.post<PredictionResponse>('/api/v1/segmentation/predict-segment', [values], {
      params: segmentationParams(segmentation),
    });
  }
}
