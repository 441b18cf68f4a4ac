/**
 * The "hot" rank of a thread (Lemmy's formula): log(max(2, score + 2)) / (hours + 2)^1.8,
 * where score = replies + reactions on the opening post and hours = age of the thread.
 * New threads start high and sink as they age; activity lifts them. Stored on the row,
 * updated on every reply or reaction and refreshed periodically for threads of the last week.
 */
export function hotRank(score: number, createdAt: number, now: number = Date.now()): number {
  const hours = Math.max(0, (now - createdAt) / 3_600_000);
  return Math.log(Math.max(2, score + 2)) / Math.pow(hours + 2, 1.8);
}

/** Threads older than this keep their last rank (it is already close to 0). */
export const HOT_REFRESH_WINDOW_MS = 7 * 24 * 3_600_000;
