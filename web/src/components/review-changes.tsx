import type { Campaign } from '../api/client.js';
import { useI18n } from '../i18n/index.js';
import { changedFields, diffWords, versionOf } from '../review/version-diff.js';
import { Facts } from './facts.js';
import { describeField } from './review-describe.js';

/** The message diff: removals struck through, additions marked, each also named for screen readers. */
export const MessageDiff = ({ before, after }: { before: string; after: string }) => {
  const { t } = useI18n();
  return (
    <p class="message-diff" data-testid="message-diff">
      {diffWords(before, after).map((part, i) =>
        part.kind === 'same' ? (
          <span key={i}>{part.text}</span>
        ) : part.kind === 'removed' ? (
          <del key={i}>
            <span class="visually-hidden">{t.review.removed} </span>
            {part.text}
          </del>
        ) : (
          <ins key={i}>
            <span class="visually-hidden">{t.review.added} </span>
            {part.text}
          </ins>
        ),
      )}
    </p>
  );
};

/** What changed since the last rejection, field by field, with the rejection it answers. */
export const ChangesSinceRejection = ({
  campaign,
  audienceNames,
}: {
  campaign: Campaign;
  audienceNames: Record<string, string>;
}) => {
  const i18n = useI18n();
  const { t, dateTime } = i18n;
  const rejection = campaign.rejection;
  if (!rejection) return null;
  const before = rejection.version;
  const now = versionOf(campaign);
  const changes = before ? changedFields(before, now) : undefined;
  return (
    <section class="panel changes" aria-labelledby="changes-title" data-testid="changes">
      <h2 id="changes-title">{t.review.changesTitle}</h2>
      <p>{t.review.rejectedBy(rejection.by, dateTime(rejection.at, campaign.timeZone), rejection.reason)}</p>
      {!changes || !before ? (
        <p>{t.review.noSnapshot}</p>
      ) : changes.length === 0 ? (
        <p>{t.review.noChanges}</p>
      ) : (
        <ul class="change-list">
          {changes.map((change) => (
            <li key={change.field} data-field={change.field}>
              <h3>{t.review.fields[change.field] ?? change.field}</h3>
              {change.field === 'message' ? (
                <MessageDiff before={before.message} after={now.message} />
              ) : (
                <Facts
                  class="before-after"
                  items={[
                    {
                      label: t.review.before,
                      value: <del>{describeField(i18n, before, change.field, audienceNames)}</del>,
                    },
                    {
                      label: t.review.after,
                      value: <ins>{describeField(i18n, now, change.field, audienceNames)}</ins>,
                    },
                  ]}
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
};
