import type { ActivityView } from './useActivity.ts';

/** Paid sign-up through the PIN pad (PaySheet, branch wt-pay): wired when that is merged. */
export function PaidSignup(_props: { a: ActivityView; open: boolean; onClose: () => void }) {
  return null;
}
