/**
 * `pending` waits for its run time; `done` ran; `failed` used up its attempts; `cancelled` was
 * cancelled by key before it ran. Finished rows are kept for inspection.
 */
export type JobStatus = 'pending' | 'done' | 'failed' | 'cancelled';

/** One scheduled job (platform/jobs/scheduler.ts). */
export interface JobsTable {
  id: string;
  type: string;
  /** Optional caller-chosen key; at most one pending job per key (partial unique index). */
  key: string | null;
  status: JobStatus;
  /** When the job is due (ms); after a failure, when it is retried. */
  runAt: number;
  /** JSON. */
  payload: string;
  /** Runs tried so far, successful or not. */
  attempts: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  /** When it became done, failed or cancelled. */
  finishedAt: number | null;
}

/** Row types of the job tables (owned by platform/jobs). */
export interface JobTables {
  jobs: JobsTable;
}
