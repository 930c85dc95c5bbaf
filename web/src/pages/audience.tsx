import { useEffect, useRef, useState } from 'preact/hooks';
import { unwrap, type Audience, type ImportResult, type Schemas } from '../api/client.js';
import { putFile, uploadSubscribers } from '../api/upload.js';
import { apiErrorFrom } from '../api/errors.js';
import { useApp } from '../app-context.js';
import { CountsTable } from '../components/counts.js';
import { DataTable, type DataTableProps } from '../components/data-table.js';
import { Facts } from '../components/facts.js';
import { Button, ErrorSummary, Field, Form, describedBy, formErrors, useAction } from '../components/form.js';
import { rejectedRowsCsv } from '../csv-export.js';
import { useI18n } from '../i18n/index.js';
import { BackLink, PageTitle } from '../components/page-title.js';
import {
  ACCEPTED_FILES,
  CSV_TYPE,
  baseName,
  fileSizeText,
  importFileType,
  importsInBackground,
  type ImportFileType,
} from '../import-file.js';

type ImportJob = Schemas['ImportJob'];
/** How often a background import's progress is read. */
const IMPORT_POLL_MS = 1000;
const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Rows of an import's answer (warnings, rejected rows) under their heading, and "N of M shown" when the
 * answer holds only the first of them. The heading stands above the table's scrolling region, not as its
 * caption: at phone width a caption scrolls away with the table.
 */
const ImportRows = <T,>({
  id,
  title,
  rows,
  total,
  more,
  ...table
}: {
  id: string;
  title: string;
  rows: readonly T[];
  total: number;
  more: (shown: string, total: string) => string;
} & Pick<DataTableProps<T>, 'columns' | 'rowKey'>) => {
  const { number } = useI18n();
  return (
    <>
      <h3 id={id}>{title}</h3>
      <DataTable {...table} label={title} titleId={id} rows={rows} class="table" />
      {rows.length < total ? <p>{more(number(rows.length), number(total))}</p> : null}
    </>
  );
};

/** What the import said beyond accepted and rejected: former names moved, notices, warnings. */
const ImportFindings = ({ result }: { result: ImportResult }) => {
  const { t, number } = useI18n();
  const words = t.audienceImport;
  return (
    <>
      {result.mappedFromFormerName > 0 ? (
        <p data-testid="mapped">{words.mapped(number(result.mappedFromFormerName))}</p>
      ) : null}
      {result.notices.length ? (
        <div class="notices" data-testid="notices">
          <h3>{words.noticesTitle}</h3>
          <ul>
            {result.notices.map((notice) => (
              <li key={notice.code}>{notice.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {result.warningCount > 0 ? (
        <>
          <p>{words.warningsLead(number(result.warningCount))}</p>
          <ImportRows
            id="import-warnings-title"
            title={words.warningsTitle}
            columns={[
              { label: t.upload.row, num: true, cell: (warning) => number(warning.row) },
              { label: words.column, cell: (warning) => words.fields[warning.field] ?? warning.field },
              { label: words.value, cell: (warning) => warning.value },
              { label: words.reason, cell: (warning) => warning.message },
            ]}
            rows={result.warnings}
            total={result.warningCount}
            rowKey={(warning) => `${warning.row}-${warning.field}`}
            more={words.moreWarnings}
          />
        </>
      ) : null}
    </>
  );
};

/** Which columns the import reads, by their Vietnamese header names, and how to keep Excel's phones whole. */
const ImportColumns = () => {
  const { t } = useI18n();
  return (
    <div class="import-columns">
      <h3>{t.audienceImport.columnsTitle}</h3>
      <ul>
        {Object.values(t.audienceImport.columns).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p class="hint">{t.audienceImport.excelHint}</p>
    </div>
  );
};

interface Checked {
  result: ImportResult;
  fileName: string;
  /** A CSV file's text, to download its rejected rows as they were; a spreadsheet has none. */
  original: string | undefined;
}

const download = (name: string, text: string) => {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
};

/** The check after an upload, as GOV.UK Notify shows it: what was accepted, what was not and why. */
const UploadCheck = ({ checked, onAgain }: { checked: Checked; onAgain: () => void }) => {
  const { t, number } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const { result } = checked;
  const base = baseName(checked.fileName);
  const original = checked.original;
  return (
    <section class="panel" aria-labelledby="check-title">
      <h2 id="check-title" ref={heading} tabIndex={-1}>
        {t.upload.checkTitle}
      </h2>
      <p class="lead">
        {t.upload.summary(number(result.accepted), number(result.rejectedCount), number(result.duplicates))}
        {result.rejectedCount > 0 ? ` ${t.upload.fixHint}` : ''}
      </p>
      <Facts
        items={[
          { label: t.upload.accepted, value: number(result.accepted) },
          { label: t.upload.duplicates, value: number(result.duplicates) },
          { label: t.upload.rejected, value: number(result.rejectedCount) },
        ]}
      />
      <p>{t.upload.newSize(number(result.size))}</p>
      <ImportFindings result={result} />
      {result.rejected.length > 0 ? (
        <>
          <ImportRows
            id="import-rejected-title"
            title={t.upload.rejected}
            columns={[
              { label: t.upload.row, num: true, cell: (row) => number(row.row) },
              { label: t.upload.phone, cell: (row) => row.phone },
              { label: t.upload.reason, cell: (row) => row.reason },
            ]}
            rows={result.rejected}
            total={result.rejectedCount}
            rowKey={(row) => String(row.row)}
            more={t.upload.moreRejected}
          />
          {original === undefined ? (
            <p>{t.audienceImport.fixInExcel}</p>
          ) : (
            <div class="buttons">
              <Button
                variant="secondary"
                onClick={() =>
                  download(
                    `${base}-dong-bi-loai.csv`,
                    rejectedRowsCsv(
                      original,
                      result.rejected.map((row) => row.row),
                    ),
                  )
                }
              >
                {t.upload.download}
              </Button>
            </div>
          )}
        </>
      ) : null}
      <div class="buttons">
        <Button variant="secondary" onClick={onAgain}>
          {t.upload.again}
        </Button>
      </div>
    </section>
  );
};

/** One audience: its size by carrier and by province, and the upload of a CSV or .xlsx file into it. */
export const AudiencePage = ({ params }: { params: Record<string, string> }) => {
  const { t, number, lang } = useI18n();
  const { api, config, session } = useApp();
  const audienceId = params.audienceId ?? '';
  const [audience, setAudience] = useState<Audience>();
  const [loadError, setLoadError] = useState<unknown>();
  const [file, setFile] = useState<File>();
  const [progress, setProgress] = useState<number | null>();
  const [job, setJob] = useState<ImportJob>();
  const [noFile, setNoFile] = useState(false);
  const [checked, setChecked] = useState<Checked>();
  const { busy, error: uploadError, act } = useAction();
  const input = useRef<HTMLInputElement>(null);

  const readAudience = () =>
    unwrap(api.GET('/v1/audiences/{audienceId}', { params: { path: { audienceId } } }));
  const load = async () => {
    try {
      setAudience(await readAudience());
    } catch (failure) {
      setLoadError(failure);
    }
  };
  /**
   * The audience again while a job imports into it: each committed step is in its counters. A failed read
   * keeps the size shown, not an error page: the import goes on, and the next step reads it again.
   */
  const refresh = () =>
    readAudience().then(setAudience, () => {
      /* the last size read stays shown */
    });
  useEffect(() => void load(), [audienceId]);

  const upload = () =>
    act(async () => {
      const contentType = file ? importFileType(file) : undefined;
      setNoFile(!contentType);
      if (!file || !contentType) return;
      const original = contentType === CSV_TYPE ? await file.text() : undefined;
      setProgress(0);
      try {
        const result = importsInBackground(file)
          ? await importThroughUpload(file, contentType)
          : await uploadSubscribers({
              url: `${config.apiBaseUrl}/v1/audiences/${encodeURIComponent(audienceId)}/subscribers`,
              body: file,
              contentType,
              token: session?.token,
              lang,
              onProgress: setProgress,
            });
        setChecked({ result, fileName: file.name, original });
        setFile(undefined);
        if (input.current) input.current.value = '';
      } finally {
        setProgress(undefined);
        setJob(undefined);
        await load();
      }
    });

  /**
   * A file over what a request body carries (issue #17): uploaded to a pre-signed URL, then imported in
   * the background; its progress is read until it has finished, its answer the synchronous one.
   */
  const importThroughUpload = async (chosen: File, contentType: ImportFileType): Promise<ImportResult> => {
    const path = { audienceId };
    const upload = await unwrap(
      api.POST('/v1/audiences/{audienceId}/import-uploads', {
        params: { path },
        body: { contentType },
      }),
    );
    await putFile({ url: upload.url, body: chosen, contentType, onProgress: setProgress });
    setProgress(null);
    const started = await unwrap(
      api.POST('/v1/audiences/{audienceId}/subscribers', {
        params: { path },
        body: { uploadId: upload.uploadId },
      }),
    );
    if (!('importId' in started)) return started;
    let current: ImportJob = started;
    setJob(current);
    while (current.status === 'running') {
      await pause(IMPORT_POLL_MS);
      const before = current.rowsRead;
      current = await unwrap(
        api.GET('/v1/audiences/{audienceId}/imports/{importId}', {
          params: { path: { audienceId, importId: started.importId } },
        }),
      );
      if (current.status === 'running' && current.rowsRead > before) await refresh();
      setJob(current);
    }
    if (current.status === 'succeeded' && current.result) return current.result;
    throw apiErrorFrom(current.error ? 400 : 500, { error: current.error });
  };

  if (loadError) return <ErrorSummary messages={formErrors(loadError, [], t).general} />;
  if (!audience) return <p>{t.common.loading}</p>;
  const uploadErrors = formErrors(uploadError, ['(body)'], t);
  // A file the server cannot read at all (not UTF-8, no phone column) is the file field's error.
  const importError = uploadErrors.byField['(body)'] || uploadErrors.general.join('; ') || undefined;
  const fileError = noFile ? t.upload.chooseFile : importError;
  // While a job runs, the audience's counters hold the steps committed so far, not its final size.
  const importing = job?.status === 'running';

  return (
    <section>
      <BackLink href="/audiences" />
      <PageTitle text={audience.name} />
      {audience.description ? <p>{audience.description}</p> : null}
      <p class="lead">
        {(importing ? t.audiences.sizeLineImporting : t.audiences.sizeLine)(number(audience.size))}
      </p>

      {checked ? (
        <UploadCheck checked={checked} onAgain={() => setChecked(undefined)} />
      ) : (
        <section class="panel" aria-labelledby="upload-title">
          <h2 id="upload-title">{t.upload.title}</h2>
          <Form onSubmit={upload}>
            {!noFile && importError ? (
              <ErrorSummary title={t.upload.importFailed} messages={[importError]} />
            ) : null}
            <Field id="csv-file" label={t.upload.file} hint={t.upload.fileHint} error={fileError}>
              <input
                {...describedBy('csv-file', { hint: true, error: fileError })}
                ref={input}
                type="file"
                accept={ACCEPTED_FILES}
                onChange={(event) => {
                  setNoFile(false);
                  setFile(event.currentTarget.files?.[0]);
                }}
              />
            </Field>
            {file ? (
              <p data-testid="file-chosen">
                {t.audienceImport.fileChosen(file.name, fileSizeText(file.size, number))}
              </p>
            ) : null}
            <ImportColumns />
            {job ? (
              <div class="field" role="status" data-testid="import-progress">
                <label for="import-progress">
                  {job.totalRows === undefined
                    ? t.upload.importStarting
                    : t.upload.importing(number(job.rowsRead), number(job.totalRows))}
                </label>
                <progress
                  id="import-progress"
                  max={Math.max(job.totalRows ?? 1, 1)}
                  {...(job.totalRows === undefined ? {} : { value: job.rowsRead })}
                />
              </div>
            ) : progress !== undefined ? (
              <div class="field" role="status">
                <label for="upload-progress">
                  {progress === null
                    ? t.upload.processing
                    : t.upload.uploading(`${Math.round(progress * 100)}%`)}
                </label>
                <progress id="upload-progress" max={1} {...(progress === null ? {} : { value: progress })} />
              </div>
            ) : null}
            <Button type="submit" busy={busy}>
              {t.upload.submit}
            </Button>
          </Form>
        </section>
      )}

      {audience.size === 0 ? (
        <p>{importing ? t.audiences.importingNoneYet : t.audiences.noSubscribers}</p>
      ) : (
        <div class="columns">
          <CountsTable
            caption={t.audiences.byCarrier}
            label={t.audiences.carrier}
            counts={audience.byCarrier}
            name={(carrier) => t.carriers[carrier] ?? carrier}
          />
          {Object.keys(audience.byProvince).length ? (
            <CountsTable
              caption={t.audiences.byProvince}
              label={t.audiences.province}
              counts={audience.byProvince}
            />
          ) : (
            <p>{t.audiences.noProvince}</p>
          )}
        </div>
      )}
    </section>
  );
};
