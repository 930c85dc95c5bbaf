import type { TestApi } from './api.js';
import { bodyOf, send } from './typed-api.js';

/** A new audience, created by an officer: its id. */
export const newAudience = async (api: Pick<TestApi, 'sendRaw'>, name = 'Điện Biên – bản'): Promise<string> =>
  bodyOf(await send(api, 'createAudience', { as: 'officer', json: { name } }), 201).id;

/** An officer's CSV import into audience `id`, answered as it is. */
export const importCsv = (api: TestApi, id: string, csv: string, headers: Record<string, string> = {}) =>
  send(api, 'importSubscribers', { params: { audienceId: id }, as: 'officer', csv, headers });

/** A new audience with `csv` imported: its id and the import's 200 answer. */
export const importedAudience = async (api: TestApi, csv: string, name?: string) => {
  const id = await newAudience(api, name);
  return { id, imported: bodyOf(await importCsv(api, id, csv), 200) };
};

/** An audience as a planner reads it. */
export const audienceOf = async (api: TestApi, id: string) =>
  bodyOf(await send(api, 'getAudience', { params: { audienceId: id }, as: 'planner' }), 200);
