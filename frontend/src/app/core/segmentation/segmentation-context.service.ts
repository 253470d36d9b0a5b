import { HttpParams } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router } from '@angular/router';
import { filter } from 'rxjs';
import { DEFAULT_SEGMENTATION } from './segmentation.models';

export const SEGMENTATION_PARAM = 'segmentation';

/**
 * Which segmentation the app is looking at, held in a signal and mirrored in the URL's
 * `?segmentation=` query parameter so a copied link or a reload keeps it. A URL that names one
 * wins; an in-app link that names none keeps the current choice (the parameter is put back).
 * The default (`lifestyle`) is left out of URLs and API calls.
 */
@Injectable({ providedIn: 'root' })
export class SegmentationContext {
  private readonly router = inject(Router);
  private readonly name = signal(DEFAULT_SEGMENTATION);

  /** The active segmentation's name. */
  readonly current = this.name.asReadonly();
  readonly isDefault = computed(() => this.name() === DEFAULT_SEGMENTATION);

  private readonly listRevision = signal(0);
  /** Bumped when the list of segmentations changed (one was created); lists reload on it. */
  readonly revision = this.listRevision.asReadonly();

  /** Query parameters for links that must keep the segmentation. */
  readonly queryParams = computed(() => {
    const params: Record<string, string> = {};
    if (!this.isDefault()) params[SEGMENTATION_PARAM] = this.name();
    return params;
  });

  constructor() {
    this.router.events
      .pipe(
        filter((event) => event instanceof NavigationEnd),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.follow());
  }

  /** Switches to `name` and shows it in the URL of the page being shown. */
  select(name: string): Promise<boolean> {
    this.name.set(name || DEFAULT_SEGMENTATION);
    return this.writeUrl(false);
  }

  /** Tells whoever lists segmentations to load them again. */
  listChanged(): void {
    this.listRevision.update((n) => n + 1);
  }

  private follow(): void {
    const named = this.router.parseUrl(this.router.url).queryParamMap.get(SEGMENTATION_PARAM);
    if (named) this.name.set(named);
    else if (!this.isDefault()) void this.writeUrl(true);
  }

  private writeUrl(replaceUrl: boolean): Promise<boolean> {
    return this.router.navigate([], {
      queryParams: { [SEGMENTATION_PARAM]: this.isDefault() ? null : this.name() },
      queryParamsHandling: 'merge',
      replaceUrl,
    });
  }
}

/** `?segmentation=NAME` for an API call; nothing for the default so today's URLs stay as they are. */
export function segmentationParams(name: string, params = new HttpParams()): HttpParams {
  return name && name !== DEFAULT_SEGMENTATION ? params.set(SEGMENTATION_PARAM, name) : params;
}
