import * as z from 'zod';
import { OCCASION_IDS } from '#core/calendar.js';
import { SettingsInput, SettingsView } from '#core/settings.js';
import { readRoute, userRoute } from './shapes.js';

const Encoding = z.enum(['GSM-7', 'UCS-2']);

export const MessageEstimateView = z
  .object({
    encoding: Encoding,
    characters: z.int(),
    segments: z.int(),
    charactersPerSegment: z.int(),
    nonGsmCharacters: z.array(z.string()),
    gsmAlternative: z
      .object({ text: z.string(), encoding: Encoding, characters: z.int(), segments: z.int() })
      .optional()
      .meta({
        description: 'The text without Vietnamese accents, when that changes the encoding (extension)',
      }),
  })
  .meta({ id: 'MessageEstimate' });

export const messageRoutes = {
  estimateMessage: userRoute({
    id: 'estimateMessage',
    method: 'POST',
    path: '/v1/messages/estimate',
    entry: 'functions/api/messages/estimate.ts',
    summary:
      'Encoding (GSM-7 or UCS-2), characters and segments of a message; {{link:URL}} counts as a short link',
    tag: 'Messages',
    auth: 'read',
    table: 'none',
    body: z.strictObject({ text: z.string().min(1).max(1600) }),
    responses: { 200: { description: 'The estimate', schema: MessageEstimateView } },
  }),
  getCalendar: userRoute({
    id: 'getCalendar',
    method: 'GET',
    path: '/v1/calendar',
    entry: 'functions/api/messages/calendar.ts',
    summary: 'Awareness occasions of a year (30/7 and the 1/7–30/9 peak period), Asia/Ho_Chi_Minh dates',
    tag: 'Messages',
    auth: 'read',
    table: 'none',
    query: z.strictObject({ year: z.coerce.number().int().min(2020).max(2100).optional() }),
    responses: {
      200: {
        description: 'The occasions',
        schema: z.object({
          year: z.int(),
          occasions: z.array(
            z.object({
              id: z.enum(OCCASION_IDS),
              name: z.string(),
              date: z.string().optional(),
              start: z.string().optional(),
              end: z.string().optional(),
            }),
          ),
        }),
      },
    },
  }),
  getSettings: readRoute({
    id: 'getSettings',
    path: '/v1/settings',
    entry: 'functions/api/settings/get.ts',
    summary: 'Settings: the frequency cap (default 3 messages per phone in 24 h)',
    tag: 'Settings',
    auth: 'read',
    responses: { 200: { description: 'The settings', schema: SettingsView } },
  }),
  putSettings: userRoute({
    id: 'putSettings',
    method: 'PUT',
    path: '/v1/settings',
    entry: 'functions/api/settings/put.ts',
    summary: 'Change the settings (admin)',
    tag: 'Settings',
    auth: 'admin',
    table: 'write',
    body: SettingsInput,
    responses: { 200: { description: 'The settings', schema: SettingsView } },
  }),
};
