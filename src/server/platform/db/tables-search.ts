/** Row types of the search tables (owned by the search module; see modules/search). */
export interface SearchTables {}
