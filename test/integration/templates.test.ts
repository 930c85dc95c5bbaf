import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDispatcher } from '#local/dispatcher.js';
import { startTestApi, type Caller, type TestApi } from '#support/api.js';
import { createAudience, phone, waitFor } from '#support/sending.js';
import { bodyOf, expectError, expectStatus, send, type RouteJson } from '#support/typed-api.js';
import { closeServer, listenLocally } from '#local/http-server.js';
import { importedAudience } from '#support/audiences.js';

/**
 * Message templates (issue #16): CRUD and history through the API, edits as versions (two at once: one
 * wins), archive, and campaigns made from a template: they record the version and keep their copy of the
 * texts, whatever happens to the template afterwards.
 */

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const officer = { role: 'officer', user: 'officer-templates' } as const;
const otherOfficer = { role: 'officer', user: 'officer-templates-2' } as const;
const admin = { role: 'admin', user: 'admin-templates' } as const;

const template: RouteJson<'createTemplate'> = {
  name: 'Cảnh giác việc nhẹ lương cao',
  description: 'Dùng cho ngày 30/7',
  message: 'Kính gửi {{Họ và tên|bà con}}: cảnh giác việc nhẹ lương cao. Gọi 111 (miễn phí).',
  variants: {
    'vi-x-khongdau': 'Kinh gui {{ho_va_ten}}: canh giac viec nhe luong cao. Goi 111 (mien phi).',
    hmn: 'Ceev faj txog kev ua haujlwm yooj yim nyiaj ntau. Hu 111.',
  },
};

const create = async (json: RouteJson<'createTemplate'> = template) =>
  bodyOf(await send(api, 'createTemplate', { as: officer, json }), 201);

const patch = (templateId: string, json: RouteJson<'updateTemplate'>, as: Caller = officer) =>
  send(api, 'updateTemplate', { as, params: { templateId }, json });

const versionsOf = async (templateId: string) =>
  bodyOf(await send(api, 'listTemplateVersions', { as: 'planner', params: { templateId } }), 200).items;

describe('templates API', () => {
  it('creates a template at version 1 with the fields its texts use, which everyone may read', async () => {
    const created = await create();
    expect(created).toMatchObject({
      ...template,
      version: 1,
      archived: false,
      createdBy: officer.user,
      updatedBy: officer.user,
      fields: [{ key: 'ho_va_ten', name: 'Họ và tên', required: true }],
    });
    for (const as of ['planner', 'approver', 'officer', 'admin'] as const) {
      const read = await send(api, 'getTemplate', { as, params: { templateId: created.id } });
      expect(bodyOf(read, 200)).toEqual(created);
    }
    const listed = bodyOf(await send(api, 'listTemplates', { as: 'planner', query: { limit: 500 } }), 200);
    expect(listed.items.map((t) => t.id)).toContain(created.id);
    // Approvers review what a template's text becomes: they do not write templates.
    expectError(await send(api, 'createTemplate', { as: 'approver', json: template }), 403, 'forbidden');
  });

  it('creates once per Idempotency-Key', async () => {
    const key = `template-${Date.now()}`;
    const first = await send(api, 'createTemplate', { as: officer, json: template, idempotencyKey: key });
    const again = await send(api, 'createTemplate', { as: officer, json: template, idempotencyKey: key });
    expect(bodyOf(again, 201).id).toBe(bodyOf(first, 201).id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('makes each edit the next version, keeping what the edit leaves out; the history shows every one', async () => {
    const { id } = await create();
    const edited = bodyOf(await patch(id, { message: 'Gọi 111 nếu nghi ngờ.' }, otherOfficer), 200);
    expect(edited).toMatchObject({
      version: 2,
      name: template.name,
      description: template.description,
      message: 'Gọi 111 nếu nghi ngờ.',
      variants: template.variants,
      createdBy: officer.user,
      updatedBy: otherOfficer.user,
      fields: [{ key: 'ho_va_ten', name: 'ho_va_ten', required: true }],
    });
    const third = bodyOf(await patch(id, { variants: null, description: null }), 200);
    expect(third.version).toBe(3);
    expect(third).not.toHaveProperty('variants');
    expect(third).not.toHaveProperty('description');
    expect(third.fields).toEqual([]);

    const history = await versionsOf(id);
    expect(history.map((v) => [v.version, v.createdBy, v.message])).toEqual([
      [3, officer.user, 'Gọi 111 nếu nghi ngờ.'],
      [2, otherOfficer.user, 'Gọi 111 nếu nghi ngờ.'],
      [1, officer.user, template.message],
    ]);
    const first = await send(api, 'getTemplateVersion', {
      as: 'approver',
      params: { templateId: id, version: 1 },
    });
    expect(bodyOf(first, 200)).toMatchObject({ ...template, templateId: id, version: 1 });
    expectError(
      await send(api, 'getTemplateVersion', { as: 'planner', params: { templateId: id, version: 4 } }),
      404,
      'not_found',
    );
  });

  it('makes no version for an edit that changes nothing', async () => {
    const { id } = await create();
    const same = bodyOf(await patch(id, { name: template.name, variants: template.variants }), 200);
    expect(same.version).toBe(1);
    expect(await versionsOf(id)).toHaveLength(1);
  });

  it('lets one of two edits made at once win; the other gets 409 and changes nothing', async () => {
    const { id } = await create();
    const answers = await Promise.all([
      patch(id, { version: 1, message: 'Bản của người thứ nhất. Gọi 111.' }),
      patch(id, { version: 1, message: 'Bản của người thứ hai. Gọi 111.' }, otherOfficer),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200);
    const loser = answers.find((a) => a.status === 409);
    if (loser) expectError(loser, 409, 'conflict');
    const current = bodyOf(
      await send(api, 'getTemplate', { as: 'planner', params: { templateId: id } }),
      200,
    );
    expect(current).toEqual(winner?.body);
    expect((await versionsOf(id)).map((v) => v.version)).toEqual([2, 1]);
    // An edit made from a version that is no longer the current one is refused the same way.
    expectError(await patch(id, { version: 1, name: 'Muộn' }), 409, 'conflict');
  });

  it('archives: out of the default list, no edits, no new campaign; unarchive brings it back; all audited', async () => {
    const { id } = await create();
    const archive = (action: 'archive' | 'unarchive', as: Caller = officer) =>
      send(api, 'archiveTemplate', { as, params: { templateId: id, action } });
    const archived = bodyOf(await archive('archive'), 200);
    expect(archived).toMatchObject({ archived: true, version: 1 });
    expect(bodyOf(await archive('archive'), 200)).toEqual(archived);

    const ids = async (query: { archived?: 'true' }) =>
      bodyOf(
        await send(api, 'listTemplates', { as: 'planner', query: { limit: 500, ...query } }),
        200,
      ).items.map((t) => t.id);
    expect(await ids({})).not.toContain(id);
    expect(await ids({ archived: 'true' })).toContain(id);
    expectError(await patch(id, { name: 'Sửa mẫu đã lưu trữ' }), 409, 'conflict');

    expect(bodyOf(await archive('unarchive', admin), 200)).toMatchObject({
      archived: false,
      updatedBy: admin.user,
    });
    expect(await ids({})).toContain(id);
    expect(bodyOf(await patch(id, { name: 'Sau khi bỏ lưu trữ' }), 200).version).toBe(2);

    const audit = await send(api, 'listTemplateAudit', { as: 'admin', params: { templateId: id } });
    expect(bodyOf(audit, 200).items.map((e) => [e.action, e.version, e.fields ?? null])).toEqual([
      ['update', 2, ['name']],
      ['unarchive', 1, null],
      ['archive', 1, null],
      ['create', 1, null],
    ]);
    expectError(
      await send(api, 'listTemplateAudit', { as: officer, params: { templateId: id } }),
      403,
      'forbidden',
    );
  });

  it('refuses bad input with 400 naming each field', async () => {
    const bad = await send(api, 'createTemplate', {
      as: officer,
      badJson: { name: ' ', message: 'Gọi {{tên', variants: { vi: 'x', 'không phải mã': 'y' }, extra: 1 },
    });
    expectError(bad, 400, 'validation_failed');
    expect(bad.body.error.details?.map((d) => [d.path, d.code])).toEqual(
      expect.arrayContaining([
        ['name', 'too_small'],
        ['message', 'unclosed_placeholder'],
        ['variants.vi', 'default_language_variant'],
        ['variants.không phải mã', 'invalid_language_tag'],
        ['extra', 'unrecognized_keys'],
      ]),
    );
    const { id } = await create();
    const badPatch = await send(api, 'updateTemplate', {
      as: officer,
      params: { templateId: id },
      badJson: { message: '', version: 'one' },
    });
    expectError(badPatch, 400, 'validation_failed');
    expect(badPatch.body.error.details?.map((d) => d.path).sort()).toEqual(['message', 'version']);
    const badVersion = await api.sendRaw('GET', `/v1/templates/${id}/versions/first`, { as: 'planner' });
    expect(badVersion.status).toBe(400);
    expect(JSON.stringify(badVersion.body)).toContain('"path":"version"');
    expectError(
      await send(api, 'getTemplate', { as: 'planner', params: { templateId: 'no-such-template' } }),
      404,
      'not_found',
    );
  });
});

/** A partner webhook that only records the texts it is handed and accepts them all. */
const startRecordingPartner = async () => {
  const texts = new Map<string, string>();
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const parsed = JSON.parse(body) as { data?: { messages?: { to: string; text: string }[] } };
      for (const { to, text } of parsed.data?.messages ?? []) texts.set(to, text);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const url = await listenLocally(server);
  const id = `templates-partner-${Date.now()}`;
  const put = await send(api, 'putPartner', {
    params: { partnerId: id },
    json: {
      name: 'Recording partner',
      webhookUrl: `${url}/sms`,
      carriers: ['viettel'],
      tps: 100,
      senderId: 'BOCONGAN',
    },
  });
  expectStatus(put, 201);
  return {
    id,
    texts,
    close: () => closeServer(server),
  };
};

describe('a campaign from a template', () => {
  let audienceId: string;
  beforeAll(async () => {
    audienceId = await createAudience(api, 'Từ mẫu tin', [{ phone: phone('viettel', 3_100_001) }]);
  });

  const campaignBody = (extra: Partial<RouteJson<'createCampaign'>>): RouteJson<'createCampaign'> => ({
    name: 'Chiến dịch từ mẫu',
    audienceIds: [audienceId],
    schedule: { asap: true },
    sendingWindow: null,
    ...extra,
  });
  const createCampaign = (extra: Partial<RouteJson<'createCampaign'>>) =>
    send(api, 'createCampaign', { as: officer, json: campaignBody(extra) });

  it('copies the current version’s texts and records the template and version', async () => {
    const { id } = await create();
    bodyOf(await patch(id, { message: 'Bản 2: gọi 111.' }), 200);
    const campaign = bodyOf(await createCampaign({ templateId: id }), 201);
    expect(campaign).toMatchObject({
      template: { id, version: 2 },
      message: 'Bản 2: gọi 111.',
      variants: template.variants,
    });
    const older = bodyOf(await createCampaign({ templateId: id, templateVersion: 1 }), 201);
    expect(older).toMatchObject({ template: { id, version: 1 }, message: template.message });
    const read = await send(api, 'getCampaign', { as: 'planner', params: { campaignId: older.id } });
    expect(bodyOf(read, 200).template).toEqual({ id, version: 1 });
  });

  it('stops naming the template once its texts are edited, not when another field is', async () => {
    const { id } = await create();
    const campaign = bodyOf(await createCampaign({ templateId: id }), 201);
    const edit = (json: Record<string, unknown>) =>
      send(api, 'updateCampaign', { params: { campaignId: campaign.id }, json });
    expect(bodyOf(await edit({ name: 'Đổi tên' }), 200).template).toEqual({ id, version: 1 });
    expect(bodyOf(await edit({ variants: template.variants }), 200).template).toEqual({ id, version: 1 });
    const edited = bodyOf(await edit({ message: 'Nội dung riêng: gọi 111.' }), 200);
    expect(edited.template).toBeUndefined();
    const read = bodyOf(await send(api, 'getCampaign', { params: { campaignId: campaign.id } }), 200);
    expect(read.template).toBeUndefined();
    expect(read.message).toBe('Nội dung riêng: gọi 111.');
  });

  it('refuses a template and a text together, an unknown template or version (400), an archived one (409)', async () => {
    const { id } = await create();
    const both = await createCampaign({ templateId: id, message: 'Gọi 111' });
    expectError(both, 400, 'validation_failed');
    expect(both.body.error.details?.map((d) => [d.path, d.code])).toEqual([
      ['message', 'text_with_template'],
    ]);
    const neither = await createCampaign({});
    expectError(neither, 400, 'validation_failed');
    expect(neither.body.error.details?.map((d) => [d.path, d.code])).toEqual([['message', 'required']]);
    const unknown = await createCampaign({ templateId: 'no-such-template' });
    expectError(unknown, 400, 'validation_failed');
    expect(unknown.body.error.details?.map((d) => d.path)).toEqual(['templateId']);
    const noVersion = await createCampaign({ templateId: id, templateVersion: 9 });
    expectError(noVersion, 400, 'validation_failed');
    expect(noVersion.body.error.details?.map((d) => d.path)).toEqual(['templateVersion']);

    bodyOf(
      await send(api, 'archiveTemplate', { as: officer, params: { templateId: id, action: 'archive' } }),
      200,
    );
    expectError(await createCampaign({ templateId: id }), 409, 'conflict');
  });

  it('keeps its texts, and sends them, when the template is edited after approval', async () => {
    const partner = await startRecordingPartner();
    const recipient = phone('viettel', 3_100_002);
    const audience = await createAudience(api, 'Gửi từ mẫu', [{ phone: recipient }]);
    const { id } = await create({ name: 'Mẫu gửi', message: 'Bản đã duyệt: gọi 111 nếu nghi ngờ.' });
    const created = bodyOf(
      await createCampaign({ templateId: id, audienceIds: [audience], partnerIds: [partner.id] }),
      201,
    );
    const campaignId = created.id;
    expectStatus(
      await send(api, 'transitionCampaign', { as: officer, params: { campaignId, action: 'submit' } }),
      200,
    );
    const approved = bodyOf(
      await send(api, 'transitionCampaign', { as: 'approver', params: { campaignId, action: 'approve' } }),
      200,
    );

    // The template changes after approval and before anything is sent (no dispatcher runs yet).
    bodyOf(await patch(id, { message: 'Bản sửa sau khi duyệt.', variants: { km: 'ហៅ 111' } }), 200);
    const after = bodyOf(await send(api, 'getCampaign', { as: 'planner', params: { campaignId } }), 200);
    expect(after).toMatchObject({ message: approved.message, template: { id, version: 1 } });
    expect(after).not.toHaveProperty('variants');

    const dispatcher = await startLocalDispatcher({ pollMs: 50 });
    try {
      await waitFor(`the message to ${recipient}`, () => partner.texts.has(recipient), 30_000);
    } finally {
      await dispatcher.stop();
      await partner.close();
    }
    expect(partner.texts.get(recipient)).toBe('Bản đã duyệt: gọi 111 nếu nghi ngờ.');
  }, 60_000);

  it('sends each imported subscriber the template’s text in their language with their name', async () => {
    const partner = await startRecordingPartner();
    const mai = phone('viettel', 3_100_011);
    const pao = phone('viettel', 3_100_012);
    const vang = phone('viettel', 3_100_013);
    const lan = phone('viettel', 3_100_014);
    const csv = [
      'Số điện thoại,Họ và tên,Ngôn ngữ',
      `${mai},Nguyễn Thị Mai,Tiếng Việt`,
      `${pao},Lò Văn Pao,không dấu`,
      `${vang},Giàng A Vàng,H'Mông`,
      `${lan},,`,
    ].join('\n');
    const { id: audienceId } = await importedAudience(api, csv, 'Từ mẫu, ba ngôn ngữ');
    const { id } = await create();
    const created = bodyOf(
      await createCampaign({ templateId: id, audienceIds: [audienceId], partnerIds: [partner.id] }),
      201,
    );
    const campaignId = created.id;
    expect(created.template).toEqual({ id, version: 1 });
    for (const [as, action] of [
      [officer, 'submit'],
      ['approver', 'approve'],
    ] as const) {
      expectStatus(await send(api, 'transitionCampaign', { as, params: { campaignId, action } }), 200);
    }
    const dispatcher = await startLocalDispatcher({ pollMs: 50 });
    try {
      await waitFor('the four messages', () => partner.texts.size >= 4, 30_000);
    } finally {
      await dispatcher.stop();
      await partner.close();
    }
    expect(Object.fromEntries(partner.texts)).toEqual({
      [mai]: 'Kính gửi Nguyễn Thị Mai: cảnh giác việc nhẹ lương cao. Gọi 111 (miễn phí).',
      [pao]: 'Kinh gui Lò Văn Pao: canh giac viec nhe luong cao. Goi 111 (mien phi).',
      [vang]: 'Ceev faj txog kev ua haujlwm yooj yim nyiaj ntau. Hu 111.',
      [lan]: 'Kính gửi bà con: cảnh giác việc nhẹ lương cao. Gọi 111 (miễn phí).',
    });
  }, 60_000);
});
