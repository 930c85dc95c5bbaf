import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SHORT_LINK_LENGTH,
  LINK_PLACEHOLDER,
  estimateMessage,
  removeVietnameseAccents,
  replaceLinks,
  shortLinkLength,
  splitSegments,
} from '#core/sms-encoding.js';
import { itMaps } from './cases.js';

const ACCENTED = 'Cảnh giác với việc nhẹ lương cao! Gọi 111 để được hỗ trợ. ';
const UNACCENTED = 'Canh giac voi viec nhe luong cao! Goi 111 de duoc ho tro. ';

/** Repeats `base` and cuts it to exactly `length` UTF-16 units (the samples are all BMP). */
const textOf = (base: string, length: number): string =>
  base.repeat(Math.ceil(length / base.length)).slice(0, length);

/** 3GPP TS 23.038 default alphabet, typed from the spec table (0x1B escape omitted). */
const GSM_BASIC_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION_TABLE = ['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\f'];

/** A long message is cut into parts that each give up room for the 6-octet concatenation header. */
const lengths = [
  { encoding: 'UCS-2', text: 'accented Vietnamese', sample: 'ả' + ACCENTED, single: 70, perPart: 67 },
  { encoding: 'GSM-7', text: 'unaccented Vietnamese', sample: UNACCENTED, single: 160, perPart: 153 },
] as const;

describe.each(lengths)('estimateMessage — $encoding ($text)', ({ encoding, sample, single, perPart }) => {
  it.each([
    { length: 1, segments: 1, perSegment: single },
    { length: single, segments: 1, perSegment: single },
    { length: single + 1, segments: 2, perSegment: perPart },
    { length: 2 * perPart, segments: 2, perSegment: perPart },
    { length: 2 * perPart + 1, segments: 3, perSegment: perPart },
    { length: 3 * perPart, segments: 3, perSegment: perPart },
    { length: 3 * perPart + 1, segments: 4, perSegment: perPart },
  ])('$length characters are $segments segment(s) of $perSegment', ({ length, segments, perSegment }) => {
    const estimate = estimateMessage(textOf(sample, length));

    expect(estimate).toMatchObject({
      encoding,
      characters: length,
      segments,
      charactersPerSegment: perSegment,
    });
    if (encoding === 'GSM-7') {
      expect(estimate.nonGsmCharacters).toEqual([]);
      expect(estimate.gsmAlternative).toBeUndefined();
    }
  });
});

describe('estimateMessage — GSM-7 (unaccented Vietnamese)', () => {
  it('treats empty text as 0 characters and 0 segments', () => {
    expect(estimateMessage('')).toEqual({
      encoding: 'GSM-7',
      characters: 0,
      segments: 0,
      charactersPerSegment: 160,
      nonGsmCharacters: [],
    });
  });

  it('counts every character of the basic table as one septet', () => {
    expect(estimateMessage(GSM_BASIC_TABLE)).toMatchObject({ encoding: 'GSM-7', characters: 127 });
  });

  it.each([
    { char: '`', name: 'backtick' },
    { char: '\t', name: 'tab' },
    { char: 'ç', name: 'lowercase c-cedilla (only Ç is GSM)' },
    { char: 'á', name: 'a-acute (only à is GSM)' },
    { char: '“', name: 'curly quote' },
    { char: '\u00a0', name: 'no-break space' },
    { char: 'đ', name: 'd-stroke' },
  ])('switches to UCS-2 for $name', ({ char }) => {
    expect(estimateMessage(`Goi 111 ${char}`)).toMatchObject({ encoding: 'UCS-2', nonGsmCharacters: [char] });
  });
});

describe('estimateMessage — GSM extension table', () => {
  it.each(GSM_EXTENSION_TABLE.map((char) => ({ char, shown: JSON.stringify(char) })))(
    '$shown counts as two septets',
    ({ char }) => {
      expect(estimateMessage('a'.repeat(158) + char)).toMatchObject({
        encoding: 'GSM-7',
        characters: 160,
        segments: 1,
      });
      expect(estimateMessage('a'.repeat(159) + char)).toMatchObject({ characters: 161, segments: 2 });
    },
  );

  it.each([
    { text: '€'.repeat(80), characters: 160, segments: 1 },
    { text: '€'.repeat(81), characters: 162, segments: 2 },
    { text: '{}'.repeat(40), characters: 160, segments: 1 },
    { text: '{}'.repeat(40) + 'a', characters: 161, segments: 2 },
  ])(
    '$characters septets of extension characters are $segments segment(s)',
    ({ text, characters, segments }) => {
      expect(estimateMessage(text)).toMatchObject({ encoding: 'GSM-7', characters, segments });
    },
  );
});

describe('estimateMessage — emoji (surrogate pairs)', () => {
  it.each([
    { prefix: 68, characters: 70, segments: 1 },
    { prefix: 69, characters: 71, segments: 2 },
  ])(
    '$prefix accented chars + 1 emoji is $characters units, $segments segment(s)',
    ({ prefix, characters, segments }) => {
      expect(estimateMessage('ả'.repeat(prefix) + '😀')).toMatchObject({
        encoding: 'UCS-2',
        characters,
        segments,
      });
    },
  );

  it('forces UCS-2 on otherwise GSM text and reports the emoji as one character', () => {
    expect(estimateMessage('Goi 111 😀')).toMatchObject({
      encoding: 'UCS-2',
      characters: 10,
      nonGsmCharacters: ['😀'],
    });
  });
});

/** € is an escape pair of septets among GSM letters; an emoji a surrogate pair among UCS-2 letters. */
const gsm = { filler: 'a', wide: '€', total: 306, units: 'septets' };
const ucs2 = { filler: 'ả', wide: '😀', total: 134, units: 'units' };

describe('estimateMessage — a two-unit character is never split across parts', () => {
  it.each([
    { ...gsm, before: 151, after: 153, segments: 2, why: 'the escape pair ends part 1 exactly' },
    {
      ...gsm,
      before: 152,
      after: 152,
      segments: 3,
      why: 'the escape pair moves whole to part 2, which overflows',
    },
    { ...ucs2, before: 65, after: 67, segments: 2, why: 'the pair ends part 1 exactly' },
    { ...ucs2, before: 66, after: 66, segments: 3, why: 'the pair moves whole to part 2, which overflows' },
  ])(
    '$total $units around $wide ($before + 2 + $after): $segments parts because $why',
    ({ filler, wide, total, before, after, segments }) => {
      const estimate = estimateMessage(filler.repeat(before) + wide + filler.repeat(after));

      expect(estimate).toMatchObject({ characters: total, segments });
    },
  );
});

describe('estimateMessage — nonGsmCharacters', () => {
  it.each([
    { text: 'Cảnh giác với việc', expected: ['ả', 'á', 'ớ', 'ệ'] },
    { text: 'ả ả ả', expected: ['ả'] },
    { text: 'Đi 😀 đi 😀', expected: ['Đ', '😀', 'đ'] },
    { text: 'Hello [world] €5', expected: [] },
  ])('lists $expected for "$text" (distinct, in first-appearance order)', ({ text, expected }) => {
    expect(estimateMessage(text).nonGsmCharacters).toEqual(expected);
  });
});

describe('estimateMessage — NFC normalisation', () => {
  it('counts decomposed Vietnamese like its composed form', () => {
    const composed = 'ả'.repeat(70);
    const decomposed = composed.normalize('NFD');

    expect(decomposed).toHaveLength(140);
    expect(estimateMessage(decomposed)).toEqual(estimateMessage(composed));
    expect(estimateMessage(decomposed)).toMatchObject({
      characters: 70,
      segments: 1,
      nonGsmCharacters: ['ả'],
    });
  });

  it('recognises a decomposed é as the GSM character é', () => {
    expect(estimateMessage('Café'.normalize('NFD'))).toMatchObject({ encoding: 'GSM-7', characters: 4 });
  });
});

describe('estimateMessage — link placeholders', () => {
  const link = '{{link:https://example.org/a/very/long/path/that/is/not/sent?utm_source=sms&x=1}}';

  it('counts a link at the default short-link length', () => {
    expect(DEFAULT_SHORT_LINK_LENGTH).toBe(36);
    expect(estimateMessage(`Xem ${link}`)).toMatchObject({ encoding: 'GSM-7', characters: 4 + 36 });
  });

  it.each([
    { padding: 132, characters: 160, segments: 1 },
    { padding: 133, characters: 161, segments: 2 },
  ])(
    '$padding chars + a 28-char short link is $characters characters, $segments segment(s)',
    ({ padding, characters, segments }) => {
      const estimate = estimateMessage('a'.repeat(padding) + link, { shortLinkLength: 28 });

      expect(estimate).toMatchObject({ encoding: 'GSM-7', characters, segments });
    },
  );

  it('counts each of several links', () => {
    expect(estimateMessage(`${link} ${link}`, { shortLinkLength: 20 }).characters).toBe(41);
  });

  it('treats the link as GSM even when its URL is not', () => {
    expect(estimateMessage('Xem {{link:https://ví-dụ.vn/€}}', { shortLinkLength: 20 })).toMatchObject({
      encoding: 'GSM-7',
      characters: 24,
      nonGsmCharacters: [],
    });
  });

  it('counts the link in code units inside a UCS-2 message', () => {
    expect(estimateMessage(`Xem thêm ${link}`, { shortLinkLength: 20 })).toMatchObject({
      encoding: 'UCS-2',
      characters: 9 + 20,
    });
  });

  it('counts text that only looks like a placeholder literally', () => {
    // 4 braces at 2 septets each + 4 letters
    expect(estimateMessage('{{name}}').characters).toBe(12);
  });
});

describe('shortLinkLength', () => {
  it.each([
    { base: 'http://localhost:3000', codeLength: undefined, expected: 36 },
    { base: 'https://s.vn', codeLength: 6, expected: 21 },
  ])('is $expected for $base with code length $codeLength', ({ base, codeLength, expected }) => {
    expect(shortLinkLength(base, codeLength)).toBe(expected);
    expect(shortLinkLength(base, codeLength)).toBe(`${base}/l/${'c'.repeat(codeLength ?? 12)}`.length);
  });
});

describe('replaceLinks', () => {
  it('replaces each placeholder with fn(url, index)', () => {
    const text = 'A {{link:https://a.vn}} B {{link:https://b.vn/x?y=1}} {{name}}';

    expect(replaceLinks(text, (url, index) => `[${index}:${url}]`)).toBe(
      'A [0:https://a.vn] B [1:https://b.vn/x?y=1] {{name}}',
    );
  });

  it('gives the same result on repeated calls despite the global regex', () => {
    const text = 'x {{link:https://a.vn}}';
    const first = replaceLinks(text, (_url, index) => String(index));

    expect(replaceLinks(text, (_url, index) => String(index))).toBe(first);
    expect(first).toBe('x 0');
  });

  it('exposes the placeholder pattern with the URL as group 1', () => {
    const urls = [...'{{link:https://a.vn}} {{link:https://b.vn}}'.matchAll(LINK_PLACEHOLDER)].map(
      (m) => m[1],
    );

    expect(urls).toEqual(['https://a.vn', 'https://b.vn']);
  });
});

describe('removeVietnameseAccents', () => {
  itMaps('turns %j into %j', removeVietnameseAccents, [
    ['Cảnh giác với việc nhẹ lương cao! Gọi 111', 'Canh giac voi viec nhe luong cao! Goi 111'],
    ['Đà Nẵng, đường Điện Biên Phủ', 'Da Nang, duong Dien Bien Phu'],
    ['NGƯỜI ĐƯỢC HỖ TRỢ', 'NGUOI DUOC HO TRO'],
    ['àáảãạ ăằắẳẵặ âầấẩẫậ', 'aaaaa aaaaaa aaaaaa'],
    ['èéẻẽẹ êềếểễệ ìíỉĩị', 'eeeee eeeeee iiiii'],
    ['òóỏõọ ôồốổỗộ ơờớởỡợ', 'ooooo oooooo oooooo'],
    ['ùúủũụ ưừứửữự ỳýỷỹỵ', 'uuuuu uuuuuu yyyyy'],
    ['Hồ Chí Minh'.normalize('NFD'), 'Ho Chi Minh'],
    ['Äö Å ü 😀 €', 'Äö Å ü 😀 €'],
  ]);
});

describe('estimateMessage — gsmAlternative', () => {
  it('offers the unaccented text with its GSM-7 cost', () => {
    const text = textOf(ACCENTED, 150);
    const estimate = estimateMessage(text);

    expect(estimate).toMatchObject({ encoding: 'UCS-2', characters: 150, segments: 3 });
    expect(estimate.gsmAlternative).toEqual({
      text: textOf(UNACCENTED, 150),
      encoding: 'GSM-7',
      characters: 150,
      segments: 1,
    });
  });

  it('reports the alternative as UCS-2 when an emoji remains', () => {
    expect(estimateMessage('Gọi 111 😀').gsmAlternative).toEqual({
      text: 'Goi 111 😀',
      encoding: 'UCS-2',
      characters: 10,
      segments: 1,
    });
  });

  it('keeps link placeholders and their URLs intact and counts them at short length', () => {
    const estimate = estimateMessage('Xem thêm {{link:https://ví-dụ.vn/tìm}}', { shortLinkLength: 20 });

    expect(estimate.gsmAlternative).toEqual({
      text: 'Xem them {{link:https://ví-dụ.vn/tìm}}',
      encoding: 'GSM-7',
      characters: 29,
      segments: 1,
    });
  });

  it('normalises decomposed input before removing accents', () => {
    expect(estimateMessage('Gọi ngay'.normalize('NFD')).gsmAlternative?.text).toBe('Goi ngay');
  });
});

describe('splitSegments — the parts a phone shows', () => {
  it('gives as many parts as the estimate counts, which join back to the text', () => {
    for (const text of [
      '',
      textOf(UNACCENTED, 160),
      textOf(UNACCENTED, 161),
      textOf(ACCENTED, 70),
      textOf(ACCENTED, 200),
      `${textOf(UNACCENTED, 150)}€€€€${textOf(UNACCENTED, 150)}`,
      `${textOf(ACCENTED, 66)}😀${textOf(ACCENTED, 66)}`,
    ]) {
      const parts = splitSegments(text);
      expect(parts).toHaveLength(estimateMessage(text).segments);
      expect(parts.join('')).toBe(text.normalize('NFC'));
    }
  });

  it('cuts a long GSM-7 text every 153 septets and never splits an escape pair', () => {
    const parts = splitSegments(`${'a'.repeat(152)}€${'b'.repeat(10)}`);
    expect(parts.map((part) => part.length)).toEqual([152, 11]);
  });

  it('shows each link as the short link it becomes, counted at its length', () => {
    const text = `Goi 111. {{link:https://example.gov.vn/111}}`;
    const parts = splitSegments(text, { link: () => 'http://localhost:3000/l/Ab3dE5fG7hJ9' });
    expect(parts).toEqual(['Goi 111. http://localhost:3000/l/Ab3dE5fG7hJ9']);
    expect(parts[0]).toHaveLength(9 + DEFAULT_SHORT_LINK_LENGTH);
  });
});

describe('estimateMessage — the counting itself', () => {
  /** The count as the spec says it, character by character (what the estimate did before its one-pass loop). */
  const reference = (text: string) => {
    const chars = Array.from(text.normalize('NFC'));
    const septets = (c: string) =>
      GSM_BASIC_TABLE.includes(c) && c.length === 1 ? 1 : GSM_EXTENSION_TABLE.includes(c) ? 2 : 0;
    const nonGsm = [...new Set(chars.filter((c) => septets(c) === 0))];
    const encoding = nonGsm.length ? 'UCS-2' : 'GSM-7';
    const costs = chars.map((c) => (nonGsm.length ? c.length : septets(c)));
    const { single, multipart } =
      encoding === 'GSM-7' ? { single: 160, multipart: 153 } : { single: 70, multipart: 67 };
    const characters = costs.reduce((sum, cost) => sum + cost, 0);
    let segments = characters === 0 ? 0 : 1;
    let used = 0;
    if (characters > single)
      for (const cost of costs) {
        if (used + cost > multipart) {
          segments += 1;
          used = 0;
        }
        used += cost;
      }
    return { encoding, characters, segments, nonGsmCharacters: nonGsm };
  };
  // GSM letters and escapes, accented letters and combining marks, an emoji, lone surrogates.
  const pieces = [
    'a',
    'b',
    ' ',
    '.',
    '1',
    '€',
    '{',
    '^',
    'é',
    'ệ',
    'ơ',
    'đ',
    'Ä',
    'Ω',
    '\n',
    '\u0301',
    '😀',
    '\ud83d',
    '\ude00',
  ];
  const texts = fc
    .array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 })), { maxLength: 400 })
    .map((parts) => parts.join(''));

  it('counts every text as the spec does: encoding, characters, segments and the characters that force UCS-2', () => {
    fc.assert(
      fc.property(texts, (text) => {
        const { encoding, characters, segments, nonGsmCharacters } = estimateMessage(text);
        expect({ encoding, characters, segments, nonGsmCharacters }).toEqual(reference(text));
      }),
      { numRuns: 3000 },
    );
  });
});
