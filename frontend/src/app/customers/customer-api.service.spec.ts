import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { CustomerApi } from './customer-api.service';
import { CustomerQuery } from './customer.models';

describe('CustomerApi', () => {
  let api: CustomerApi;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    api = TestBed.inject(CustomerApi);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  function listPage(query: CustomerQuery) {
    const page = TestBed.runInInjectionContext(() => api.listResource(() => query));
    TestBed.tick();
    return page;
  }

  it('lists customers with search and paging parameters', async () => {
    const page = listPage({ q: ' 12 ', segment_id: 3, page: 2, per_page: 20 });
    const req = backend.expectOne((r) => r.url === '/api/v1/customers');
    expect(req.request.params.get('q')).toBe('12');
    expect(req.request.params.get('segment_id')).toBe('3');
    expect(req.request.params.get('page')).toBe('2');
    expect(req.request.params.get('per_page')).toBe('20');
    req.flush({ items: [], total: 345, page: 2, per_page: 20 });
    await TestBed.inject(ApplicationRef).whenStable();
    expect(page.value()?.total).toBe(345);
  });

  it('leaves out an empty search', () => {
    listPage({ q: '', page: 1, per_page: 20 });
    const req = backend.expectOne((r) => r.url === '/api/v1/customers');
    expect(req.request.params.has('q')).toBe(false);
    expect(req.request.params.has('segment_id')).toBe(false);
    req.flush({ items: [], total: 0, page: 1, per_page: 20 });
  });

  it('reads, updates and deletes one customer by its text id', () => {
    api.get('C10001').subscribe();
    backend.expectOne('/api/v1/customers/C10001').flush({ customer_id: 'C10001' });

    api.update('C10001', { age: 35 }).subscribe();
    const patch = backend.expectOne('/api/v1/customers/C10001');
    expect(patch.request.method).toBe('PATCH');
    expect(patch.request.body).toEqual({ age: 35 });
    patch.flush({ customer_id: 'C10001', age: 35 });

    api.get('C 1/2').subscribe();
    backend.expectOne('/api/v1/customers/C%201%2F2').flush({ customer_id: 'C 1/2' });

    api.delete('C10001').subscribe();
    const del = backend.expectOne('/api/v1/customers/C10001');
    expect(del.request.method).toBe('DELETE');
    del.flush(null, { status: 204, statusText: 'No Content' });
  });
});
