import { HttpClient, HttpParams, httpResource } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';
import {
  Customer,
  CustomerPage,
  CustomerQuery,
  CustomerWrite,
  Explanation,
} from './customer.models';

const BASE = '/api/v1/customers';

/** Typed client for /api/v1/customers. */
@Injectable({ providedIn: 'root' })
export class CustomerApi {
  private readonly http = inject(HttpClient);

  /** A page of customers, following `query()` (call from an injection context). */
  listResource(query: () => CustomerQuery) {
    return httpResource<CustomerPage>(() => ({ url: BASE, params: listParams(query()) }));
  }

  /** One customer, following `id()`; nothing is asked while it is undefined. */
  customerResource(id: () => string | undefined) {
    return httpResource<Customer>(() => {
      const value = id();
      return value === undefined ? undefined : `${BASE}/${encodeURIComponent(value)}`;
    });
  }

  /** Why a customer is in their segment; nothing is asked while `id()` is undefined. */
  explanationResource(id: () => string | undefined) {
    return httpResource<Explanation>(() => {
      const value = id();
      return value === undefined ? undefined : `${BASE}/${encodeURIComponent(value)}/explanation`;
    });
  }

  get(id: string): Observable<Customer> {
    return this.http.get<Customer>(`${BASE}/${encodeURIComponent(id)}`);
  }

  create(customer: CustomerWrite): Observable<Customer> {
    return this.http.post<Customer>(BASE, customer);
  }

  update(id: string, changes: Partial<CustomerWrite>): Observable<Customer> {
    return this.http.patch<Customer>(`${BASE}/${encodeURIComponent(id)}`, changes);
  }

  delete(id: string): Observable<void> {
    return this.http.delete<void>(`${BASE}/${encodeURIComponent(id)}`);
  }
}

function listParams(query: CustomerQuery): HttpParams {
  let params = new HttpParams().set('page', query.page).set('per_page', query.per_page);
  if (query.q?.trim()) params = params.set('q', query.q.trim());
  if (query.segment_id != null) params = params.set('segment_id', query.segment_id);
  return params;
}
