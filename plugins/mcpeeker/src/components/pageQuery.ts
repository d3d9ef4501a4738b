/**
 * `params` with these parameters changed (`undefined` or `''` removes one, a
 * list becomes a comma list), every other parameter kept: what another part
 * of the page keeps in the query stays as it was. How the lists keep their
 * filters in the page's query, so a filtered list can be shared, bookmarked
 * and reloaded, and back and forward step through the filters.
 */
export function withParams(
  params: URLSearchParams,
  change: Readonly<Record<string, unknown>>,
): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(change)) {
    const text = Array.isArray(value) ? value.join(',') : value;
    if (text === undefined || text === '') next.delete(key);
    else next.set(key, String(text));
  }
  return next;
}
