import { HttpClient, HttpParams, httpResource } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';
import { segmentationParams } from '../core/segmentation/segmentation-context.service';
import { Segmentation } from '../core/segmentation/segmentation.models';
import {
  CustomerColumn,
  ModelVersion,
  NewSegmentation,
  SegmentationPreset,
  TrainingJob,
  TrainingParams,
} from './training.models';

const BASE = '/api/v1/segmentation';

/** Training runs, model versions and new segmentations. */
@Injectable({ providedIn: 'root' })
export class TrainingApi {
  private readonly http = inject(HttpClient);

  triggerTraining(segmentation: string, params: TrainingParams = {}): Observable<TrainingJob> {
    return this.http.post<TrainingJob>(`${BASE}/trigger-training`, params, {
      params: segmentationParams(segmentation),
    });
  }

  getJob(segmentation: string, id: number): Observable<TrainingJob> {
    return this.http.get<TrainingJob>(`${BASE}/jobs/${id}`, {
      params: segmentationParams(segmentation),
    });
  }

  /** The latest jobs of `segmentation()`, newest first. */
  jobsResource(segmentation: () => string, limit = 20) {
    return httpResource<{ items: TrainingJob[] }>(() => ({
      url: `${BASE}/jobs`,
      params: segmentationParams(segmentation(), new HttpParams().set('limit', limit)),
    }));
  }

  modelsResource(segmentation: () => string) {
    return httpResource<{ items: ModelVersion[] }>(() => ({
      url: `${BASE}/models`,
      params: segmentationParams(segmentation()),
    }));
  }

  activateModel(segmentation: string, version: number): Observable<ModelVersion> {
    return this.http.post<ModelVersion>(
      `${BASE}/models/${version}/activate`,
      {},
      { params: segmentationParams(segmentation) },
    );
  }

  columnsResource() {
    return httpResource<{ items: CustomerColumn[] }>(() => '/api/v1/customers/columns');
  }

  presetsResource() {
    return httpResource<{ items: SegmentationPreset[] }>(() => '/api/v1/segmentations/presets');
  }

  createSegmentation(body: NewSegmentation): Observable<Segmentation> {
    return this.http.post<Segmentation>('/api/v1/segmentations', body);
  }
}
