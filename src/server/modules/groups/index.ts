/** The groups (forum) module's surface for the rest of the server. */
export { GroupsService } from './groups.service.ts';
export { ForumService, type PostContext } from './forum.service.ts';
export { groupsPolicy, type GroupAccess } from './groups.policy.ts';
/** Markdown as posts render it (activities' descriptions too) and the stored hot rank (the seed). */
export {
  EXCERPT_CHARS,
  plainExcerpt,
  plainText,
  renderMarkdown,
  shortenExcerpt,
} from './markdown.ts';
export { HOT_REFRESH_WINDOW_MS, hotRank } from './hot-rank.ts';
export { checkGroupsCounters } from './groups.counters.ts';
