import {
  EnvironmentInjector,
  createEnvironmentInjector,
  runInInjectionContext,
} from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Subject } from 'rxjs';
import { ApiError } from '../core/api-error';
import { Mutation, mutation } from './mutation';

describe('mutation', () => {
  function make(): { save: Mutation; destroy: () => void } {
    const injector = createEnvironmentInjector([], TestBed.inject(EnvironmentInjector));
    const save = runInInjectionContext(injector, () => mutation());
    return { save, destroy: () => injector.destroy() };
  }

  it('is pending while the call runs and hands the answer on', () => {
    const { save } = make();
    const call = new Subject<string>();
    const done = vi.fn();

    save.run(call, { done });
    expect(save.pending()).toBe(true);
    call.next('saved');
    call.complete();

    expect(save.pending()).toBe(false);
    expect(done).toHaveBeenCalledWith('saved');
    expect(save.error()).toBeNull();
  });

  it('keeps the typed error for the banner unless failed() showed it in full', () => {
    const { save } = make();
    const refused = new ApiError(409, 'Name taken.');

    const first = new Subject<string>();
    save.run(first, { failed: () => false });
    first.error(refused);
    expect(save.pending()).toBe(false);
    expect(save.error()).toBe(refused);

    const second = new Subject<string>();
    save.run(second, { failed: (error) => error.status === 409 });
    expect(save.error()).toBeNull(); // a new call forgets the last failure
    second.error(refused);
    expect(save.error()).toBeNull();
  });

  it('stops being pending when the call ends without an answer (a cancelled confirmation)', () => {
    const { save } = make();
    const call = new Subject<string>();
    save.run(call);
    call.complete();
    expect(save.pending()).toBe(false);
    expect(save.error()).toBeNull();
  });

  it('drops the call when its component goes', () => {
    const { save, destroy } = make();
    const call = new Subject<string>();
    const done = vi.fn();

    save.run(call, { done });
    destroy();
    call.next('late');

    expect(done).not.toHaveBeenCalled();
    expect(call.observed).toBe(false);
  });
});
