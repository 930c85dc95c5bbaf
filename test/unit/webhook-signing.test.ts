import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signHandOver } from '#adapters/webhook-transport.js';

describe('the hand-over signature', () => {
  const secrets = [
    `whsec_${randomBytes(24).toString('base64')}`,
    `whsec_${randomBytes(32).toString('base64')}`,
    // Base64 with padding, and without the prefix: the library takes both.
    `whsec_${randomBytes(20).toString('base64')}`,
    randomBytes(24).toString('base64'),
  ];

  it('is the Standard Webhooks signature the library makes, for any body, id and time', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...secrets),
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.stringMatching(/^msg_[A-Za-z0-9_]{1,40}$/),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }),
        (secret, body, id, at) => {
          expect(signHandOver(secret, id, at, body)).toBe(new Webhook(secret).sign(id, at, body));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("passes the library's verification, as a partner checks it", () => {
    const [secret = ''] = secrets;
    const body = JSON.stringify({ type: 'sms.send', data: { text: 'Gọi 111 😀' } });
    const now = new Date();
    const headers = {
      'webhook-id': 'msg_c1_0_p1',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signHandOver(secret, 'msg_c1_0_p1', now, body),
    };
    expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(secrets[1] ?? '').verify(body, headers)).toThrow('No matching signature');
  });

  it('leaves a secret node would read otherwise to the library, and refuses an empty one as it does', () => {
    // Not canonical base64 (no padding, a stray character): the library's reading decides.
    for (const secret of ['whsec_abc', 'whsec_abcd$efg']) {
      let expected: string | Error;
      try {
        expected = new Webhook(secret).sign('msg_1', new Date(0), '{}');
      } catch (error) {
        expected = error as Error;
      }
      if (expected instanceof Error)
        expect(() => signHandOver(secret, 'msg_1', new Date(0), '{}')).toThrow(expected.message);
      else expect(signHandOver(secret, 'msg_1', new Date(0), '{}')).toBe(expected);
    }
    expect(() => signHandOver('whsec_', 'msg_1', new Date(0), '{}')).toThrow("Secret can't be empty");
  });
});
