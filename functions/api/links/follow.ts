import { linkDeps } from '#adapters/link-deps.js';
import { followShortLink } from '#core/links.js';
import { api, type ApiResponse } from '#http/api.js';
import { linkRoutes as routes } from '#api/routes/links.js';

const deps = linkDeps();

const NOT_FOUND_PAGE = `<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Không tìm thấy liên kết</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem">
<h1>Không tìm thấy liên kết</h1>
<p>Liên kết này không tồn tại hoặc đã bị nhập sai. Vui lòng kiểm tra lại tin nhắn bạn đã nhận.</p>
</body>
</html>
`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The target is shown as text, not as a link: it is not reviewed until the campaign is approved. */
const testPreviewPage = (target: string) => `<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Liên kết thử nghiệm</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem">
<h1>Liên kết thử nghiệm</h1>
<p>Đây là liên kết trong một tin nhắn thử. Khi chiến dịch được duyệt và gửi, liên kết của người nhận sẽ dẫn tới:</p>
<p><code style="word-break: break-all">${escapeHtml(target)}</code></p>
<p lang="en">Test link: once the campaign is approved and sent, recipients' links lead to the address above. This visit is not counted.</p>
</body>
</html>
`;

/** Contract §9: no auth; a code that is not a recipient's gets a page a person can read, never JSON. */
export const handler = api(routes.followShortLink, async ({ params }): Promise<ApiResponse> => {
  const outcome = await followShortLink(deps, params.code);
  if (!outcome)
    return {
      status: 404,
      text: NOT_FOUND_PAGE,
      contentType: 'text/html; charset=utf-8',
      headers: { 'cache-control': 'no-store' },
    };
  if (outcome.kind === 'test-preview')
    return {
      status: 200,
      text: testPreviewPage(outcome.target),
      contentType: 'text/html; charset=utf-8',
      headers: { 'cache-control': 'no-store' },
    };
  return {
    status: 302,
    text: '',
    contentType: 'text/plain; charset=utf-8',
    headers: { location: outcome.target, 'cache-control': 'no-store' },
  };
});
