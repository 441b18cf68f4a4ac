/** The accounts module's surface for the rest of the server. */
export {
  CHECK_IN_FLIGHT_LOCK_MS,
  AccountsService,
  toPublicProfile,
  type Session,
  type SiteBanView,
  type UserSummary,
} from './accounts.service.ts';
/** For the operator CLI, which works on the database without the services. */
export { listOperators, setRole, type RoleChange } from './operator-roles.ts';
export { configurePasswordHashing, hashSecret, verifySecret } from './password.ts';
