import { randomInt } from 'node:crypto';
import type { AudienceMember, AudienceReader } from '#core/audience.js';
import type { AuditEntry } from '#core/audit.js';
import { groupOf, HOLDOUT, treatmentsOf } from '#core/content/assignment.js';
import { splitOf, textsOf } from '#core/content/content.js';
import { chooseVariant, DEFAULT_LANGUAGE } from '#core/content/languages.js';
import { fieldsOf } from '#core/content/template.js';
import type { Campaign } from '#core/campaign.js';
import type { CampaignStore } from '#core/campaign-service.js';
import { AppError, detail, NotFoundError, RateLimitedError, ValidationError } from '#core/errors.js';
import type { SuppressionList } from '#core/opt-out.js';
import type { PartnerView } from '#core/partner.js';
import type { Carrier } from '#core/carriers.js';
import { maskPhone, normalizeVietnameseMobile } from '#core/phone.js';
import type { Actor } from '#core/roles.js';
import { partnersFor } from '#core/routing.js';
import { messageId, planBatches, TEST_SEQ_BASE, type Batch } from './batch.js';
import { contentOfCampaign } from './personalise.js';
import type { BatchQueue, BatchStore } from './ports.js';

export { TEST_SEQ_BASE } from './batch.js';
export const MAX_TEST_PHONES = 5;
/** Test sends one user may make of one campaign in a UTC clock hour (at most 5 phones each). */
export const TEST_SENDS_PER_HOUR = 5;

const HOUR_MS = 3600_000;

export interface TestSendResult {
  messages: { phone: string; messageId: string; partnerId: string | null; status: 'queued' | 'unroutable' }[];
}

/** Contract §4: an opted-out phone never receives a campaign message, a test one included. */
export class OptedOutPhonesError extends AppError {
  constructor(optedOut: readonly { index: number; phone: string }[]) {
    super(
      'conflict',
      409,
      `Opted-out phones never receive a message, not even a test: ${optedOut.map((o) => o.phone).join(', ')}`,
      optedOut.map(({ index, phone }) => detail(`phones.${index}`, 'opted_out', { phone })),
    );
  }
}

export interface TestSendDeps {
  campaigns: Pick<CampaignStore, 'get' | 'recordTestSend'>;
  suppression: Pick<SuppressionList, 'isOptedOut'>;
  batches: BatchStore;
  queue: BatchQueue;
  partners: () => Promise<PartnerView[]>;
  now: () => Date;
  newId: () => string;
  shortCodes: (campaignId: string) => Promise<(seq: number) => string>;
  /** The campaign's audiences, where a test phone's language and attributes are looked up. */
  audiences: AudienceReader;
}

interface TestRecipient {
  phone: string;
  carrier: Carrier;
}

/** The phones as E.164, each once, or a 400 naming every bad one. */
const testRecipients = (phones: readonly string[]): TestRecipient[] => {
  const normalized = phones.map((phone) => normalizeVietnameseMobile(phone));
  const invalid = normalized.flatMap((result, i) =>
    result.ok ? [] : [detail(`phones.${i}`, result.code, result.params)],
  );
  if (invalid.length) throw new ValidationError('Invalid phone number', invalid);
  return [
    ...new Map(
      normalized.flatMap((r) => (r.ok ? [[r.phone, { phone: r.phone, carrier: r.carrier }] as const] : [])),
    ).values(),
  ];
};

/** The UTC hour a moment falls in, `yyyy-mm-ddThh`, and the seconds left in it. */
const hourOf = (now: Date) => ({
  hour: now.toISOString().slice(0, 13),
  secondsLeft: Math.ceil((HOUR_MS - (now.getTime() % HOUR_MS)) / 1000),
});

/**
 * Contract §6 `POST /v1/campaigns/{id}/test`, by `actor`: opted-out phones are refused (409 naming them),
 * then the send is counted against the actor's hourly quota on this campaign (429 beyond it) and audited
 * (who, the phones masked, the text) in one write, and only then queued.
 */
export const testSendCampaign = async (
  deps: TestSendDeps,
  actor: Actor,
  campaignId: string,
  phones: readonly string[],
): Promise<TestSendResult> => {
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new NotFoundError(`Campaign ${campaignId}`);
  const recipients = testRecipients(phones);

  const optedOut = await deps.suppression.isOptedOut(recipients.map((r) => r.phone));
  if (optedOut.size) {
    throw new OptedOutPhonesError(
      phones.flatMap((raw, index) => {
        const result = normalizeVietnameseMobile(raw);
        return result.ok && optedOut.has(result.phone) ? [{ index, phone: result.phone }] : [];
      }),
    );
  }

  const now = deps.now();
  const { hour, secondsLeft } = hourOf(now);
  const audit: AuditEntry = {
    id: deps.newId(),
    campaignId,
    action: 'test',
    to: campaign.status,
    actor: actor.userId,
    at: now.toISOString(),
    phones: recipients.map((r) => maskPhone(r.phone)),
    message: campaign.message,
  };
  const accepted = await deps.campaigns.recordTestSend(audit, {
    userId: actor.userId,
    hour,
    limit: TEST_SENDS_PER_HOUR,
    expiresAt: new Date(now.getTime() + 2 * HOUR_MS),
  });
  if (!accepted) throw new RateLimitedError(secondsLeft);
  return sendTest(deps, campaign, recipients);
};

/**
 * The campaign's message to the recipients, at once, whatever the campaign's status or sending window,
 * marked as a test so it stays out of the metrics and the cap (and its short links only show a preview).
 */
/**
 * The test phones that are members of the campaign's audiences, by phone. Reads the audiences' chunks until
 * every phone is found (members are stored 250 an item, not by phone): a test send is rare and small.
 */
const membersOf = async (
  audiences: AudienceReader,
  audienceIds: readonly string[],
  phones: readonly string[],
): Promise<Map<string, AudienceMember>> => {
  const wanted = new Set(phones);
  const found = new Map<string, AudienceMember>();
  for (const audienceId of audienceIds) {
    for await (const chunk of audiences.members(audienceId)) {
      for (const member of chunk)
        if (wanted.has(member.phone) && !found.has(member.phone)) found.set(member.phone, member);
      if (found.size === wanted.size) return found;
    }
  }
  return found;
};

/**
 * What a test phone gets (issue #16): its treatment (a phone of the holdout is shown treatment A's text, a
 * test must arrive), its language's variant, and the values of its member data; a required field it has
 * no value for shows as `[name]`, so the tester sees where the value goes.
 */
const testContent = (campaign: Campaign, phone: string, member: AudienceMember | undefined) => {
  const content = contentOfCampaign(campaign);
  const split = splitOf(content);
  const group = groupOf(split, campaign.id, phone);
  const treatment = group === HOLDOUT ? (treatmentsOf(split)[0]?.id ?? 'A') : group;
  const texts = textsOf(content, treatment);
  const lang = chooseVariant(member?.language, new Set(texts.keys()));
  const values: Record<string, string> = {};
  for (const field of fieldsOf(texts.get(lang) ?? campaign.message)) {
    const value = member?.attributes?.[field.key];
    if (value) values[field.key] = value;
    else if (field.required) values[field.key] = `[${field.name}]`;
  }
  return {
    ...(split.treatments.length || split.holdoutPercent ? { treatment } : {}),
    ...(lang !== DEFAULT_LANGUAGE ? { lang } : {}),
    ...(Object.keys(values).length ? { values } : {}),
  };
};

const sendTest = async (
  deps: TestSendDeps,
  campaign: Campaign,
  recipients: readonly TestRecipient[],
): Promise<TestSendResult> => {
  const [partners, members] = await Promise.all([
    deps.partners(),
    membersOf(
      deps.audiences,
      campaign.audienceIds,
      recipients.map((r) => r.phone),
    ),
  ]);
  const withContent = recipients.map((r) => {
    const content = testContent(campaign, r.phone, members.get(r.phone));
    return { ...r, ...content };
  });
  const { batches: planned, unroutable } = planBatches(withContent, (carrier) =>
    partnersFor(carrier, partners, campaign.partnerIds),
  );
  const at = deps.now().toISOString();
  const firstSeq = TEST_SEQ_BASE + randomInt(0, 99_000_000);
  const newCode = await deps.shortCodes(campaign.id);
  const batches: Batch[] = planned.map((plan, n) => ({
    campaignId: campaign.id,
    seq: firstSeq + n,
    partnerId: plan.partnerId,
    routes: plan.routes,
    status: 'queued',
    attempt: 0,
    availableAt: at,
    test: true,
    ...(plan.treatment ? { treatment: plan.treatment } : {}),
    messages: plan.recipients.map((r, i) => ({
      index: i,
      to: r.phone,
      carrier: r.carrier,
      code: newCode(firstSeq + n),
      ...(r.lang ? { lang: r.lang } : {}),
      ...(r.values ? { values: r.values } : {}),
      state: 'queued',
    })),
    createdAt: at,
    updatedAt: at,
  }));
  await deps.batches.putBatches(batches);
  await deps.queue.enqueue(batches);

  return {
    messages: [
      ...batches.flatMap((b) =>
        b.messages.map((m) => ({
          phone: m.to,
          messageId: messageId(b.campaignId, b.seq, m.index),
          partnerId: b.partnerId,
          status: 'queued' as const,
        })),
      ),
      ...unroutable.map((r) => ({
        phone: r.phone,
        messageId: '',
        partnerId: null,
        status: 'unroutable' as const,
      })),
    ],
  };
};
