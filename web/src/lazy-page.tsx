import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from './i18n/index.js';

export type Page = FunctionComponent<{ params: Record<string, string> }>;

/**
 * A page whose code loads when it is first opened, so the first page a user sees carries only its own
 * code (the budget is 100 KB gzipped): `name` is the page's export in the module `load` imports. Loaded
 * once; a failed load (the network dropped, or a deployment replaced the chunk) says so and is tried again
 * on the next visit.
 */
export const lazyPage = <K extends string>(load: () => Promise<Record<K, Page>>, name: K): Page => {
  let loaded: Page | undefined;
  let loading: Promise<Page> | undefined;
  const LazyPage: Page = (props) => {
    const { t } = useI18n();
    const [page, setPage] = useState<Page | undefined>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (page) return;
      let current = true;
      loading ??= load().then((module) => (loaded = module[name]));
      loading.then(
        (module) => current && setPage(() => module),
        () => {
          loading = undefined;
          if (current) setFailed(true);
        },
      );
      return () => {
        current = false;
      };
    }, [page]);
    if (failed) return <p role="alert">{t.common.networkError}</p>;
    if (!page) return <p aria-live="polite">{t.common.loading}</p>;
    const Loaded = page;
    return <Loaded {...props} />;
  };
  return LazyPage;
};
