import { type ComponentType, lazy, useState } from 'react';

/**
 * A route-level lazy page whose code can be loaded ahead of time, and which then renders without
 * suspending. React.lazy suspends on its first render even when the module arrived long before (its
 * import() promise is a new, pending one), and React then keeps the fallback up for about 300 ms
 * before it reveals the page: a preloaded list showed its rows that much later.
 */
export function preloadable<P extends object>(load: () => Promise<{ default: ComponentType<P> }>) {
  let loaded: ComponentType<P> | undefined;
  const preload = () =>
    load().then((m) => {
      loaded = m.default;
      return m;
    });
  const Lazy = lazy(preload) as unknown as ComponentType<P>;
  function Page(props: P) {
    // Chosen once per mount: turning the lazy wrapper into the page itself later would remount it.
    const [Component] = useState(() => loaded ?? Lazy);
    return <Component {...props} />;
  }
  return { Page, preload };
}
