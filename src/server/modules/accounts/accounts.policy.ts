import { forbidden, invalidInput } from '../../platform/http/errors.ts';
import type { Viewer } from '../../platform/http/auth.ts';

/** Who may do what with accounts. */
export const accountsPolicy = {
  /** A person can block anyone but themselves. */
  assertCanBlock(viewer: Viewer, targetId: string): void {
    if (viewer.userId === targetId) throw invalidInput('You cannot block yourself.');
  },

  /** Site bans and the operator's console: operators only. */
  assertOperator(viewer: Viewer): void {
    if (viewer.role !== 'operator') throw forbidden('Only operators can do this.');
  },
};
