import { HttpParams, httpResource } from '@angular/common/http';
import { Injectable } from '@angular/core';
import { segmentationParams } from '../core/segmentation/segmentation-context.service';
import { MonitoringOverview } from './monitoring.models';

const BASE = '/api/v1/monitoring';

/** The Monitoring page's data: drift history, segment sizes over versions, job outcomes. */
@Injectable({ providedIn: 'root' })
export class MonitoringApi {
  /** The overview of `segmentation()` with its latest `limit` drift checks. */
  overviewResource(segmentation: () => string, limit = 100) {
    return httpResource<MonitoringOverview>(() => ({
      url: `${BASE}/overview`,
      params: segmentationParams(segmentation(), new HttpParams().set('limit', limit)),
    }));
  }
}
