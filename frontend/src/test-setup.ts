/**
 * jsdom has no canvas: give Chart.js a harmless 2D context stub (tied to its canvas, as
 * Chart.js checks) so chart components render without warnings in unit tests.
 */
function contextFor(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  return new Proxy(
    {},
    {
      get: (_target, prop) => {
        if (prop === 'canvas') return canvas;
        // Chart.js treats anything with a truthy `length` as a list of canvases.
        if (typeof prop === 'symbol' || prop === 'length' || /^\d+$/.test(prop)) return undefined;
        if (prop === 'measureText') return () => ({ width: 0 });
        if (prop === 'getImageData' || prop === 'createImageData') return () => ({ data: [] });
        if (prop === 'getTransform') return () => ({ a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 });
        if (
          prop === 'createLinearGradient' ||
          prop === 'createRadialGradient' ||
          prop === 'createPattern'
        ) {
          return () => ({ addColorStop: () => undefined });
        }
        return () => undefined;
      },
      set: () => true,
    },
  ) as CanvasRenderingContext2D;
}

const contexts = new WeakMap<HTMLCanvasElement, CanvasRenderingContext2D>();

Object.defineProperty(HTMLCanvasElement.prototype, 'getContext', {
  configurable: true,
  value: function (this: HTMLCanvasElement) {
    let context = contexts.get(this);
    if (!context) {
      context = contextFor(this);
      contexts.set(this, context);
    }
    return context;
  },
});

// Chart.js watches its container for resizes; jsdom has no ResizeObserver.
if (typeof globalThis.ResizeObserver === 'undefined') {
  globalThis.ResizeObserver = class {
    observe = (): void => undefined;
    unobserve = (): void => undefined;
    disconnect = (): void => undefined;
  } as unknown as typeof ResizeObserver;
}
