/** The moderation module's surface for the rest of the server. */
export { ModerationService } from './moderation.service.ts';
