export {
  JobScheduler,
  retryDelay,
  type JobContext,
  type JobHandler,
  type JobRecord,
  type JobSchedulerOptions,
} from './scheduler.ts';
export type { JobStatus, JobsTable } from '../db/tables-jobs.ts';
