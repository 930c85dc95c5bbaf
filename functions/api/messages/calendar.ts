import { DEFAULT_TIME_ZONE, occasions, utcToLocalParts } from '#core/calendar.js';
import { api } from '#http/api.js';
import { routes } from '#api/routes.js';

export const handler = api(routes.getCalendar, async ({ query }) => {
  const year = query.year ?? Number(utcToLocalParts(new Date(), DEFAULT_TIME_ZONE).date.slice(0, 4));
  return { status: 200, body: { year, occasions: occasions(year) } };
});
