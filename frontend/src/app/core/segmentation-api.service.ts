import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';
import {
  ActiveModel,
  ModelVersion,
  PredictionResponse,
  ProjectionResponse,
  Segment,
  SegmentsResponse,
  TrainingJob,
  TrainingParams,
} from './segmentation.models';

const BASE = '/api/v1/segmentation';

/** Typed client for the segmentation endpoints (same-origin through nginx or the dev proxy). */
@Injectable({ providedIn: 'root' })
export class SegmentationApi {
  private readonly http = inject(HttpClient);

  getActiveModel(): Observable<ActiveModel> {
    return this.http.get<ActiveModel>(`${BASE}/model`);
  }

  predictSegment(profile: Record<string, number>): Observable<PredictionResponse> {
    return this.http.post<PredictionResponse>(`${BASE}/predict-segment`, [profile]);
  }

  getSegments(): Observable<SegmentsResponse> {
    return this.http.get<SegmentsResponse>(`${BASE}/segments`);
  }

  updateSegment(id: number, changes: { name?: string; strategy?: string }): Observable<Segment> {
    return this.http.patch<Segment>(`${BASE}/segments/${id}`, changes);
  }

  getProjection(sample = 2000): Observable<ProjectionResponse> {
    const params = new HttpParams().set('sample', sample);
    return this.http.get<ProjectionResponse>(`${BASE}/projection`, { params });
  }

  triggerTraining(params: TrainingParams = {}): Observable<TrainingJob> {
    return this.http.post<TrainingJob>(`${BASE}/trigger-training`, params);
  }

  getJob(id: number): Observable<TrainingJob> {
    return this.http.get<TrainingJob>(`${BASE}/jobs/${id}`);
  }

  listJobs(limit = 20): Observable<TrainingJob[]> {
    const params = new HttpParams().set('limit', limit);
    return this.http
      .get<{ items: TrainingJob[] }>(`${BASE}/jobs`, { params })
      .pipe(map((page) => page.items));
  }

  listModels(): Observable<ModelVersion[]> {
    return this.http.get<{ items: ModelVersion[] }>(`${BASE}/models`).pipe(map((r) => r.items));
  }

  activateModel(version: number): Observable<ModelVersion> {
    return this.http.post<ModelVersion>(`${BASE}/models/${version}/activate`, {});
  }
}
