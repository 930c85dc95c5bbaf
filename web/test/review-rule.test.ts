import { describe, expect, it } from 'vitest';
import { reviewBar, reviewRight, type Authorship } from '../src/review/review-rule.js';

const campaign: Authorship = {
  createdBy: 'tao@bk',
  editedBy: ['sua-1@bk', 'sua-2@bk'],
  submittedBy: 'gui@bk',
};

describe('who may review a campaign (the core rule, as the console offers it)', () => {
  it('bars the creator, every editor and the submitter, and no one else', () => {
    expect(reviewBar(campaign, 'tao@bk')).toBe('created');
    expect(reviewBar(campaign, 'sua-2@bk')).toBe('edited');
    expect(reviewBar(campaign, 'gui@bk')).toBe('submitted');
    expect(reviewBar(campaign, 'khac@bk')).toBeUndefined();
    expect(reviewBar({ createdBy: 'tao@bk', editedBy: [] }, 'gui@bk')).toBeUndefined();
  });

  it('offers review only to approvers and admins who did not touch it', () => {
    expect(reviewRight('approver', campaign, 'khac@bk')).toEqual({ may: true });
    expect(reviewRight('admin', campaign, 'khac@bk')).toEqual({ may: true });
    expect(reviewRight('officer', campaign, 'khac@bk')).toEqual({ may: false, why: 'role' });
    expect(reviewRight('planner', campaign, 'khac@bk')).toEqual({ may: false, why: 'role' });
    expect(reviewRight('approver', campaign, 'tao@bk')).toEqual({ may: false, why: 'created' });
  });
});
