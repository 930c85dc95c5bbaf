/** Client routes: `/audiences/:audienceId` style patterns, matched in order. */
export interface RouteMatch<K extends string> {
  route: K;
  params: Record<string, string>;
}

export const matchRoute = <K extends string>(
  patterns: readonly (readonly [K, string])[],
  path: string,
): RouteMatch<K> | undefined => {
  const segments = path.replace(/\/+$/, '').split('/');
  for (const [route, pattern] of patterns) {
    const wanted = pattern.replace(/\/+$/, '').split('/');
    if (wanted.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = wanted.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part.startsWith(':')) {
        if (!segment) return false;
        try {
          params[part.slice(1)] = decodeURIComponent(segment);
        } catch {
          return false;
        }
        return true;
      }
      return part === segment;
    });
    if (matches) return { route, params };
  }
  return undefined;
};
