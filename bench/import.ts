import { randomUUID } from 'node:crypto';
import { dynamoDocumentClient } from '#adapters/clients.js';
import { LOCAL_AWS_ENV, startDynamoLocal } from '#local/dynamodb.js';
import { startTestApi } from '#support/api.js';
import { send } from '#support/typed-api.js';
import { WRITE_OPERATIONS, countRequests, resetCounts } from './counters.js';
import { QUICK, isEntryModule, record } from './results.js';

/**
 * Imports 100,000 subscribers as one CSV request through the real handler, on an in-memory DynamoDB
 * Local, and prints how long it took and how many DynamoDB requests it made. Target: under 30 s.
 * `npx tsx bench/import.ts`, or `importBenchmark()` from a bench runner.
 */

const ROWS = QUICK ? 3_000 : 100_000;

export const FIGURES = [
  'import.rows',
  'import.seconds',
  'import.rows_per_second',
  'import.write_requests',
  'import.write_units_per_row',
  'import.repeat.seconds',
  'import.repeat.write_requests',
];
const DUPLICATE_SHARE = 0.01;
const BAD_SHARE = 0.001;

/** Prefixes weighted roughly by market share (Viettel about half the subscribers). */
const PREFIXES: [string, number][] = [
  ...['086', '096', '097', '098', '032', '033', '034', '035', '036', '037', '038', '039'].map(
    (p): [string, number] => [p, 50 / 12],
  ),
  ...['088', '091', '094', '081', '082', '083', '084', '085'].map((p): [string, number] => [p, 22 / 8]),
  ...['089', '090', '093', '070', '076', '077', '078', '079'].map((p): [string, number] => [p, 20 / 8]),
  ...['092', '052', '056', '058'].map((p): [string, number] => [p, 4 / 4]),
  ['099', 1],
  ['059', 0.5],
  ['087', 1.5],
  ['055', 1],
];

const PLACES: [string, string[]][] = [
  ['Hà Giang', ['Đồng Văn', 'Mèo Vạc', 'Yên Minh']],
  ['Cao Bằng', ['Bảo Lạc', 'Trùng Khánh']],
  ['Bắc Kạn', ['Chợ Đồn', 'Ba Bể', 'Pác Nặm']],
  ['Lào Cai', ['Sa Pa', 'Bát Xát', 'Mường Khương']],
  ['Lai Châu', ['Phong Thổ', 'Sìn Hồ']],
  ['Điện Biên', ['Mường Nhé', 'Tủa Chùa']],
  ['Sơn La', ['Mộc Châu', 'Sông Mã']],
  ['Lạng Sơn', ['Cao Lộc', 'Văn Lãng']],
  ['Nghệ An', ['Kỳ Sơn', 'Tương Dương', 'Quế Phong']],
  ['Thanh Hóa', ['Mường Lát', 'Quan Sơn']],
  ['Quảng Trị', ['Hướng Hóa', 'Đakrông']],
  ['Thừa Thiên Huế', ['A Lưới', 'Phú Vang']],
  ['Kon Tum', ['Ngọc Hồi', 'Đăk Glei']],
  ['Gia Lai', ['Đức Cơ', 'Chư Prông']],
  ['Đắk Lắk', ['Buôn Đôn', 'Ea Súp']],
  ['An Giang', ['Tịnh Biên', 'An Phú']],
  ['Tây Ninh', ['Tân Biên', 'Châu Thành']],
  ['Hà Nội', ['Ba Đình', 'Sóc Sơn']],
  ['TP. Hồ Chí Minh', ['Quận 1', 'Củ Chi']],
  ['Bà Rịa – Vũng Tàu', ['Côn Đảo', 'Xuyên Mộc']],
];
const TAGS = [
  'học sinh',
  'sinh viên',
  'vùng cao',
  'biên giới',
  'công nhân',
  'phụ huynh',
  'lao động xuất khẩu',
];
const BAD_PHONES = [
  '024 3123 4567',
  '028 3822 1234',
  '+66 81 234 5678',
  '+1 202 555 0123',
  'không có',
  '098 123',
];

/** mulberry32: a small seeded generator, so every run imports the same file. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** 100,000 rows in the ways officers write numbers, about 1% repeated and 0.1% unusable. */
export const generateSubscribersCsv = (rows = 100_000, seed = 30_07): string => {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const totalWeight = PREFIXES.reduce((sum, [, weight]) => sum + weight, 0);
  const prefix = () => {
    let r = next() * totalWeight;
    for (const [p, weight] of PREFIXES) if ((r -= weight) < 0) return p;
    return '098';
  };
  const written = (national: string) => {
    const formats = [
      () => national,
      () => `+84 ${national.slice(1, 3)} ${national.slice(3, 6)} ${national.slice(6)}`,
      () => `84${national.slice(1)}`,
      () => `${national.slice(0, 3)}.${national.slice(3, 6)}.${national.slice(6)}`,
    ];
    return pick(formats)();
  };

  const lines = ['phone,province,district,tags'];
  const issued: string[] = [];
  for (let i = 0; i < rows; i++) {
    const r = next();
    let phone: string;
    if (r < BAD_SHARE) phone = pick(BAD_PHONES);
    else if (r < BAD_SHARE + DUPLICATE_SHARE && issued.length) phone = written(pick(issued));
    else {
      const national = `${prefix()}${String(Math.floor(next() * 10_000_000)).padStart(7, '0')}`;
      issued.push(national);
      phone = written(national);
    }
    const [province, districts] = pick(PLACES);
    const tags = next() < 0.6 ? [pick(TAGS), ...(next() < 0.3 ? [pick(TAGS)] : [])].join(';') : '';
    lines.push([phone, province, pick(districts), tags].map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
};

const number = (n: number) => n.toLocaleString('en-US');

export async function importBenchmark(): Promise<void> {
  const dynamo = await startDynamoLocal();
  Object.assign(process.env, LOCAL_AWS_ENV, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    TABLE_NAME: `bench-${randomUUID()}`,
    // Local stand-ins for what the stack provides (the files bucket of import uploads, the keys).
    LOCAL_RUNTIME: '1',
  });
  const counts = countRequests(dynamoDocumentClient());
  const api = await startTestApi();
  try {
    const created = await send(api, 'createAudience', { as: 'officer', json: { name: 'Benchmark 100k' } });
    if (created.status !== 201) throw new Error(`creating the audience answered ${created.status}`);
    const audienceId = created.body.id;
    const csv = generateSubscribersCsv(ROWS);
    const importOnce = async () => {
      resetCounts(counts);
      const started = performance.now();
      const response = await send(api, 'importSubscribers', {
        params: { audienceId },
        as: 'officer',
        csv,
      });
      const seconds = (performance.now() - started) / 1000;
      if (response.status !== 200)
        throw new Error(`import answered ${response.status}: ${JSON.stringify(response.body)}`);
      return {
        seconds,
        result: response.body,
        calls: { ...counts.calls },
        batchWriteItems: counts.batchWriteItems,
        writeUnits: counts.writeUnits,
      };
    };

    const report = (title: string, run: Awaited<ReturnType<typeof importOnce>>, key: string) => {
      const writes = WRITE_OPERATIONS.reduce((sum, op) => sum + (run.calls[op] ?? 0), 0);
      record(`${key}.seconds`, Number(run.seconds.toFixed(2)), 's');
      record(`${key}.write_requests`, writes, 'requests');
      if (key === 'import') {
        record('import.rows', ROWS, 'rows');
        record('import.rows_per_second', Math.round(ROWS / run.seconds), 'rows/s');
        record('import.write_units_per_row', Number((run.writeUnits / ROWS).toFixed(4)), 'WCU');
      }
      console.log(`\n${title}`);
      console.log(
        `  rows               ${number(ROWS)} (${(Buffer.byteLength(csv) / 1024 / 1024).toFixed(1)} MB of CSV)`,
      );
      console.log(`  seconds            ${run.seconds.toFixed(2)}  (target < 30)`);
      console.log(`  rows/s             ${number(Math.round(ROWS / run.seconds))}`);
      console.log(
        `  accepted           ${number(run.result.accepted)}, duplicates ${number(run.result.duplicates)}, rejected ${number(run.result.rejectedCount)}; size ${number(run.result.size)}`,
      );
      console.log(
        `  DynamoDB writes    ${number(writes)} requests: ${WRITE_OPERATIONS.filter((op) => run.calls[op])
          .map((op) => `${op} ${run.calls[op]}`)
          .join(', ')}; ${number(run.batchWriteItems)} items in BatchWriteItem`,
      );
      console.log(
        `  all DynamoDB calls ${Object.entries(run.calls)
          .map(([op, n]) => `${op} ${n}`)
          .join(', ')}`,
      );
    };

    report('First import (one CSV request)', await importOnce(), 'import');
    report('Same file again (every phone already in the audience)', await importOnce(), 'import.repeat');
    const audience = await send(api, 'getAudience', { params: { audienceId } });
    if (audience.status !== 200) throw new Error(`reading the audience answered ${audience.status}`);
    console.log(`\n  byCarrier          ${JSON.stringify(audience.body.byCarrier)}`);
  } finally {
    await api.close();
    await dynamo.stop();
  }
}

if (isEntryModule(import.meta.url)) {
  await importBenchmark();
  // The SDK keeps idle sockets to the stopped DynamoDB Local; nothing else is left to wait for.
  dynamoDocumentClient().destroy();
}
