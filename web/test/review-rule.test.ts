import { describe, expect, it } from 'vitest';
import { reviewBarReason } from '../../functions/core/campaign.js';
import { reviewBar, reviewRight, type Authorship } from '../src/review/review-rule.js';

const campaign: Authorship = {
  createdBy: 'tao@bk',
  editedBy: ['sua-1@bk', 'sua-2@bk'],
  submittedBy: 'gui@bk',
};

describe('who may review a campaign (the console mirror of the API rule)', () => {
  it('bars the creator, every editor and the submitter, and no one else', () => {
    expect(reviewBar(campaign, 'tao@bk')).toBe('created');
    expect(reviewBar(campaign, 'sua-2@bk')).toBe('edited');
    expect(reviewBar(campaign, 'gui@bk')).toBe('submitted');
    expect(reviewBar(campaign, 'khac@bk')).toBeUndefined();
    expect(reviewBar({ createdBy: 'tao@bk', editedBy: [] }, 'gui@bk')).toBeUndefined();
  });

  it('agrees with the API on every case', () => {
    const apiWords = { created: 'you created it', edited: 'you edited it', submitted: 'you submitted it' };
    const campaigns: Authorship[] = [
      campaign,
      { createdBy: 'tao@bk', editedBy: [] },
      { createdBy: 'tao@bk', editedBy: ['tao@bk'], submittedBy: 'tao@bk' },
      { createdBy: 'tao@bk', editedBy: ['gui@bk'], submittedBy: 'gui@bk' },
    ];
    for (const c of campaigns) {
      for (const user of ['tao@bk', 'sua-1@bk', 'sua-2@bk', 'gui@bk', 'khac@bk']) {
        const bar = reviewBar(c, user);
        const api = reviewBarReason({ ...c, editedBy: [...c.editedBy] }, user);
        expect(bar ? apiWords[bar] : undefined, `${JSON.stringify(c)} / ${user}`).toBe(api);
      }
    }
  });

  it('offers review only to approvers and admins who did not touch it', () => {
    expect(reviewRight('approver', campaign, 'khac@bk')).toEqual({ may: true });
    expect(reviewRight('admin', campaign, 'khac@bk')).toEqual({ may: true });
    expect(reviewRight('officer', campaign, 'khac@bk')).toEqual({ may: false, why: 'role' });
    expect(reviewRight('planner', campaign, 'khac@bk')).toEqual({ may: false, why: 'role' });
    expect(reviewRight('approver', campaign, 'tao@bk')).toEqual({ may: false, why: 'created' });
  });
});
