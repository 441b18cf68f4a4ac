/** Row types of the job tables (owned by platform/jobs). */
export interface JobTables {}
