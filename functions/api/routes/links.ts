import * as z from 'zod';
import { defineRoute } from '#http/route.js';

/**
 * The recipients' short links, a route group of its own (listed among the reports', routes/reports.ts) so
 * that their hot-path Lambda imports no campaign schema.
 */
export const linkRoutes = {
  followShortLink: defineRoute({
    id: 'followShortLink',
    method: 'GET',
    // Any text is taken here: a code that is not one of ours gets the 404 page, never a JSON error.
    path: '/l/{code}',
    entry: 'functions/api/links/follow.ts',
    summary: 'A recipient’s short link: counts the click and redirects to the campaign’s URL',
    tag: 'Links',
    auth: 'public',
    table: 'write',
    params: z.strictObject({ code: z.string() }),
    responses: {
      200: {
        description: 'A test send’s link: an HTML preview naming the target, not counted, no redirect',
        contentType: 'text/html; charset=utf-8',
      },
      302: { description: 'Redirect to the campaign’s URL (`Location`)' },
      404: { description: 'Unknown link: a small HTML page', contentType: 'text/html; charset=utf-8' },
    },
  }),
};
