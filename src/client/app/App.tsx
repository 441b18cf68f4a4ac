import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useLocation } from 'react-router';
import { ApiError } from '../api/http.ts';
import { OfflineBanner } from '../components/OfflineBanner.tsx';
import { AuthPage } from '../features/auth/AuthPage.tsx';
import { MePage } from '../features/auth/MePage.tsx';
import { useMe } from '../features/auth/useSession.ts';
import { DiscoverPage } from '../features/groups/DiscoverPage.tsx';
import { GroupPage } from '../features/groups/GroupPage.tsx';
import { MembersPage } from '../features/groups/MembersPage.tsx';
import { NewGroupPage } from '../features/groups/NewGroupPage.tsx';
import { NewThreadPage } from '../features/groups/NewThreadPage.tsx';
import { SearchPage } from '../features/groups/SearchPage.tsx';
import { CommunityTab } from '../features/inbox/CommunityTab.tsx';
import { InboxPage } from '../features/inbox/InboxPage.tsx';
import { MessagesTab } from '../features/inbox/MessagesTab.tsx';
import { NotificationsTab } from '../features/inbox/NotificationsTab.tsx';
import { ThreadPage } from '../features/forum/ThreadPage.tsx';
import { OnboardingPage } from '../features/onboarding/OnboardingPage.tsx';
import { StreamProvider } from '../stream/StreamProvider.tsx';
import { NotFound } from './NotFound.tsx';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A 4xx will not change by asking again; a network error or 5xx may.
      retry: (count, err) =>
        count < 2 && !(err instanceof ApiError && err.status < 500 && err.status > 0),
    },
  },
});

/** Screens that need a session: without one, the log-in page (and back here afterwards). */
function RequireSession() {
  const me = useMe();
  const location = useLocation();
  const { t } = useTranslation();
  if (me.isPending)
    return (
      <p className="page muted" aria-busy="true">
        {t('common.loading')}
      </p>
    );
  if (!me.data) {
    const next = encodeURIComponent(location.pathname + location.search + location.hash);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <Outlet />;
}

function Root() {
  const me = useMe();
  return (
    <StreamProvider signedIn={Boolean(me.data)}>
      <OfflineBanner />
      <Outlet />
    </StreamProvider>
  );
}

const router = createBrowserRouter([
  {
    element: <Root />,
    children: [
      { path: '/login', element: <AuthPage mode="login" /> },
      { path: '/register', element: <AuthPage mode="register" /> },
      {
        element: <RequireSession />,
        children: [
          {
            element: <InboxPage />,
            children: [
              { index: true, element: <NotificationsTab /> },
              { path: 'messages', element: <MessagesTab /> },
              { path: 'community', element: <CommunityTab /> },
            ],
          },
          { path: '/onboarding', element: <OnboardingPage /> },
          { path: '/me', element: <MePage /> },
          { path: '/threads/:id', element: <ThreadPage /> },
          { path: '/groups', element: <DiscoverPage /> },
          { path: '/groups/new', element: <NewGroupPage /> },
          { path: '/groups/:id', element: <GroupPage /> },
          { path: '/groups/:id/new', element: <NewThreadPage /> },
          { path: '/groups/:id/members', element: <MembersPage /> },
          { path: '/search', element: <SearchPage /> },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
  },
]);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
