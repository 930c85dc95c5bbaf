import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export { matchRoute, type RouteMatch } from './route-match.js';

const listeners = new Set<() => void>();
/** Counts navigations: each one opens its page afresh, even to the address already shown. */
let visit = 0;
const notify = ({ reopen = true } = {}) => {
  if (reopen) visit++;
  listeners.forEach((listener) => listener());
};
window.addEventListener('popstate', () => notify());

export const navigate = (to: string, { replace = false } = {}): void => {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  notify();
  window.scrollTo(0, 0);
};

/** Changes the address shown without opening another page (a new draft that now has its id). */
export const rewriteUrl = (to: string): void => {
  history.replaceState(null, '', to);
  notify({ reopen: false });
};

export const useLocation = (): { path: string; query: URLSearchParams; visit: number } => {
  const read = () => ({ path: location.pathname, query: new URLSearchParams(location.search), visit });
  const [current, setCurrent] = useState(read);
  useEffect(() => {
    const listener = () => setCurrent(read());
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return current;
};

/** An ordinary link (middle-click and copy work) that moves within the console without a reload. */
export const Link = ({
  href,
  children,
  ...rest
}: { href: string; children: ComponentChildren } & Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'>) => (
  <a
    {...rest}
    href={href}
    onClick={(event) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
        return;
      event.preventDefault();
      navigate(href);
    }}
  >
    {children}
  </a>
);
