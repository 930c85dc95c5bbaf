import * as z from 'zod';

/** Contract §6: at most `messages` campaign messages per phone in any `hours`-long window, across campaigns. */
export const FrequencyCap = z.strictObject({
  messages: z.int().min(1).max(100),
  hours: z
    .int()
    .min(1)
    .max(24 * 31),
});

export const SettingsInput = z.strictObject({ frequencyCap: FrequencyCap }).meta({ id: 'SettingsInput' });
export type SettingsInput = z.output<typeof SettingsInput>;

export const SettingsView = SettingsInput.extend({
  updatedAt: z.iso.datetime().nullable(),
  updatedBy: z.string().nullable(),
}).meta({ id: 'Settings' });
export type Settings = z.output<typeof SettingsView>;

export const DEFAULT_SETTINGS: Settings = {
  frequencyCap: { messages: 3, hours: 24 },
  updatedAt: null,
  updatedBy: null,
};

export interface SettingsStore {
  get(): Promise<Settings>;
  put(settings: Settings): Promise<void>;
}
