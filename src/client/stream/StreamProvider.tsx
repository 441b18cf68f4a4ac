import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import { Stream, type StreamStatus } from './stream.ts';

const StreamContext = createContext<Stream | null>(null);

/** Keeps the stream open while someone is signed in. */
export function StreamProvider({ signedIn, children }: { signedIn: boolean; children: ReactNode }) {
  const qc = useQueryClient();
  const [stream] = useState(() => new Stream(qc));
  useEffect(() => {
    if (signedIn) stream.start();
    else stream.stop();
    return () => stream.stop();
  }, [signedIn, stream]);
  return <StreamContext.Provider value={stream}>{children}</StreamContext.Provider>;
}

export function useStreamStatus(): StreamStatus {
  const stream = useContext(StreamContext);
  return useSyncExternalStore(
    stream?.subscribe ?? (() => () => {}),
    () => stream?.status ?? 'closed',
  );
}

/** Follows a thread's live posts while the calling screen is mounted. */
export function useFollowThread(threadId: string | undefined): void {
  const stream = useContext(StreamContext);
  useEffect(() => {
    if (!stream || !threadId) return;
    stream.follow(threadId);
    return () => stream.unfollow(threadId);
  }, [stream, threadId]);
}
