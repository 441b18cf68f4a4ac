/** The interests module's surface for the rest of the server. */
export { InterestsService } from './interests.service.ts';
export { taxonomy } from './taxonomy.ts';
/** Brings the stored taxonomy up to the shipped one without the services (the seed generator). */
export { syncInterestTaxonomy } from './interests.service.ts';
