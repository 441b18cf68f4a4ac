/** The activities module's surface for the rest of the server. */
export {
  ActivitiesService,
  type ActivityPayments,
  type PaidSignupInput,
  type SignupResult,
} from './activities.service.ts';
export { activitiesRoutes } from './activities.routes.ts';
export { ActivitiesRepository, type ActivityRow } from './activities.repository.ts';
