/** The activities module's surface for the rest of the server. */
export { ActivitiesService } from './activities.service.ts';
export type { ActivityPayments, PaidSignupInput, SignupResult } from './payments.ts';
/** Fen held per activity from its paid sign-ups, for `npm run ledger:check`. */
export { heldByActivity } from './ledger-view.ts';
/** The stored cells and popularity, for writers of activities in bulk (the seed). */
export { cellsOf } from './geo.ts';
export { decayedPopularity, SIGNUP_POPULARITY, VIEW_POPULARITY } from './ranking.ts';
export { checkActivitiesCounters } from './activities.counters.ts';
