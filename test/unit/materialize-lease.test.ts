import { describe, expect, it } from 'vitest';
import {
  leaseFor,
  leaseLive,
  mayTakeLease,
  renewalDue,
  sweepMaterializes,
} from '#core/dispatch/materialize-lease.js';

const t = (iso: string) => new Date(`2027-07-30T${iso}Z`);
const MINUTE = 60_000;

describe('the materialisation lease rule', () => {
  const held = leaseFor('run-a', t('01:00:00'), MINUTE);

  it('lasts its duration from the holder’s clock', () => {
    expect(held).toEqual({ owner: 'run-a', until: '2027-07-30T01:01:00.000Z' });
    expect(leaseLive(held, t('01:00:59'))).toBe(true);
    expect(leaseLive(held, t('01:01:00'))).toBe(false);
    expect(leaseLive(undefined, t('01:00:00'))).toBe(false);
  });

  it('may be taken when free, expired, or already the taker’s; never from a live holder', () => {
    expect(mayTakeLease(undefined, 'run-b', t('01:00:30'))).toBe(true);
    expect(mayTakeLease(held, 'run-b', t('01:00:30'))).toBe(false);
    expect(mayTakeLease(held, 'run-a', t('01:00:30'))).toBe(true);
    expect(mayTakeLease(held, 'run-b', t('01:01:00'))).toBe(true);
  });

  it('is renewed once half of it has gone, not on every page', () => {
    expect(renewalDue(held, t('01:00:29'), MINUTE)).toBe(false);
    expect(renewalDue(held, t('01:00:30'), MINUTE)).toBe(true);
  });
});

describe('what the sweep materialises', () => {
  const started = '2027-07-30T01:00:00Z';
  const lease = leaseFor('run-a', t('01:00:00'), MINUTE);

  it('never a finished campaign', () => {
    expect(sweepMaterializes({ materialized: true }, started, t('02:00:00'), MINUTE)).toBe(false);
  });

  it('not one whose run holds a live lease; one whose lease expired (a crash cut it short)', () => {
    expect(sweepMaterializes({ materialized: false, lease }, started, t('01:00:59'), MINUTE)).toBe(false);
    expect(sweepMaterializes({ materialized: false, lease }, started, t('01:01:00'), MINUTE)).toBe(true);
  });

  it('one never begun only a lease after its start: the started event’s run goes first', () => {
    expect(sweepMaterializes(undefined, started, t('01:00:59'), MINUTE)).toBe(false);
    expect(sweepMaterializes(undefined, started, t('01:01:00'), MINUTE)).toBe(true);
    expect(sweepMaterializes({ materialized: false }, undefined, t('01:00:00'), MINUTE)).toBe(true);
  });
});
