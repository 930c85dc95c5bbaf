import { ApiError, apiErrorFrom } from './errors.js';

/**
 * The local runtime's sign-in (`POST /local/token`): not part of the API and never deployed, so it has no
 * place in the OpenAPI document and is called by hand.
 */
export const fetchLocalToken = async (baseUrl: string, role: string, user: string): Promise<string> => {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role, user }),
    });
  } catch (cause) {
    throw new ApiError(0, 'network_error', String(cause));
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw apiErrorFrom(response.status, body);
  const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined;
  if (typeof token !== 'string') throw apiErrorFrom(response.status, body);
  return token;
};
