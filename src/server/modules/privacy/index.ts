/** The "your data" module's surface for the rest of the server. */
export { PrivacyService, DELETED_NAME } from './privacy.service.ts';
