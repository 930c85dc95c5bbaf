import { describe, expect, it } from 'vitest';
import { rejectedRowsCsv } from '../src/csv-export.js';

describe('the rejected rows download', () => {
  it('keeps the header and exactly the rejected rows, numbered as the server numbers them', () => {
    const original = [
      'phone,province,tags',
      '0981234567,Bắc Kạn,học sinh',
      '',
      '0241234567,"Hà Nội, cũ",',
      '12345,Cao Bằng,"vùng ""biên"" giới"',
      '0912345678,Lào Cai,',
    ].join('\n');
    // Row 2 is the blank line: rows count from the line after the header, blank lines included.
    expect(rejectedRowsCsv(original, [3, 4])).toBe(
      '\uFEFFphone,province,tags\r\n0241234567,"Hà Nội, cũ",\r\n12345,Cao Bằng,"vùng ""biên"" giới"\r\n',
    );
  });

  it('gives only the header when nothing matches, and nothing for an empty file', () => {
    expect(rejectedRowsCsv('phone\n0981234567\n', [9])).toBe('\uFEFFphone\r\n');
    expect(rejectedRowsCsv('', [1])).toBe('');
  });
});
