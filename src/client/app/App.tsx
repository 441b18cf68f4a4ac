import { onlineManager, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useLocation } from 'react-router';
import { ApiError } from '../api/http.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { OfflineBanner } from '../components/OfflineBanner.tsx';
import { AuthPage } from '../features/auth/AuthPage.tsx';
import { useMe } from '../features/auth/useSession.ts';
import { InboxPage } from '../features/inbox/InboxPage.tsx';
import { MessagesTab } from '../features/inbox/MessagesTab.tsx';
import { NotificationsTab } from '../features/inbox/NotificationsTab.tsx';
import { featureStrings } from '../i18n/index.ts';
import { StreamProvider } from '../stream/StreamProvider.tsx';
import { NotFound } from './NotFound.tsx';

/**
 * Screens beyond the messaging centre load when first opened (one chunk per feature), so the
 * first screen downloads only what it shows (docs/benchmarks.md, "Web client").
 */
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(async () => {
    // The screen's Chinese strings are their own chunk too (i18n/index.ts), fetched beside it.
    const [module] = await Promise.all([load(), featureStrings()]);
    return { default: module[name] };
  });
const CommunityTab = page(() => import('../features/inbox/CommunityTab.tsx'), 'CommunityTab');
const MePage = page(() => import('../features/auth/MePage.tsx'), 'MePage');
const OnboardingPage = page(
  () => import('../features/onboarding/OnboardingPage.tsx'),
  'OnboardingPage',
);
const ThreadPage = page(() => import('../features/forum/ThreadPage.tsx'), 'ThreadPage');
const DiscoverPage = page(() => import('../features/groups/DiscoverPage.tsx'), 'DiscoverPage');
const GroupPage = page(() => import('../features/groups/GroupPage.tsx'), 'GroupPage');
const MembersPage = page(() => import('../features/groups/MembersPage.tsx'), 'MembersPage');
const NewGroupPage = page(() => import('../features/groups/NewGroupPage.tsx'), 'NewGroupPage');
const NewThreadPage = page(() => import('../features/groups/NewThreadPage.tsx'), 'NewThreadPage');
const ReportsPage = page(() => import('../features/moderation/ReportsPage.tsx'), 'ReportsPage');
const ManagePage = page(() => import('../features/groups/ManagePage.tsx'), 'ManagePage');
const RequestsPage = page(() => import('../features/groups/RequestsPage.tsx'), 'RequestsPage');
const BansPage = page(() => import('../features/groups/BansPage.tsx'), 'BansPage');
const GroupProfilePage = page(
  () => import('../features/groups/GroupProfilePage.tsx'),
  'GroupProfilePage',
);
const GroupRulesPage = page(
  () => import('../features/groups/GroupRulesPage.tsx'),
  'GroupRulesPage',
);
const TransferPage = page(() => import('../features/groups/TransferPage.tsx'), 'TransferPage');
const SearchPage = page(() => import('../features/groups/SearchPage.tsx'), 'SearchPage');
const ProfilePage = page(() => import('../features/settings/ProfilePage.tsx'), 'ProfilePage');
const BlocksPage = page(() => import('../features/settings/BlocksPage.tsx'), 'BlocksPage');
const UserPage = page(() => import('../features/users/UserPage.tsx'), 'UserPage');
const ActivityPage = page(() => import('../features/activities/ActivityPage.tsx'), 'ActivityPage');
// #13: wallet and bills pages
const WalletPage = page(() => import('../features/wallet/WalletPage.tsx'), 'WalletPage');
const PinSettingsPage = page(
  () => import('../features/wallet/PinSettingsPage.tsx'),
  'PinSettingsPage',
);
const BillsPage = page(() => import('../features/bills/BillsPage.tsx'), 'BillsPage');
const BillPage = page(() => import('../features/bills/BillPage.tsx'), 'BillPage');
const NewBillPage = page(() => import('../features/bills/NewBillPage.tsx'), 'NewBillPage');

// #13: activities pages
const ActivityFormPage = page(
  () => import('../features/activities/ActivityFormPage.tsx'),
  'ActivityFormPage',
);

// #13: chat pages
const ChatPage = page(() => import('../features/chat/ChatPage.tsx'), 'ChatPage');

// #13: operator and my data pages
const MyDataPage = page(() => import('../features/my-data/MyDataPage.tsx'), 'MyDataPage');
const operatorPage = <K extends string>(name: K) =>
  page(() => import('../features/operator/pages.ts') as Promise<Record<K, ComponentType>>, name);
const OperatorPage = operatorPage('OperatorPage');
const OperatorReports = operatorPage('OperatorReports');
const OperatorBans = operatorPage('OperatorBans');
const OperatorPromotions = operatorPage('OperatorPromotions');
const OperatorFigures = operatorPage('OperatorFigures');

const NotificationSettingsPage = page(
  () => import('../features/settings/NotificationSettingsPage.tsx'),
  'NotificationSettingsPage',
);

// TanStack Query assumes it starts online and learns only from later events; a start without a
// network (the app shell from the service worker) must pause queries from the first one.
onlineManager.setOnline(navigator.onLine);

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
  if (me.isPending && me.fetchStatus === 'paused') {
    // Opened without a network (from the service worker's cache): nothing to load yet.
    return (
      <main className="page center-page">
        <p className="muted">{t('common.offlineStart')}</p>
      </main>
    );
  }
  if (me.isPending)
    return (
      <p className="page muted" aria-busy="true">
        {t('common.loading')}
      </p>
    );
  if (me.isError && me.data === undefined) {
    // Not "logged out": the server could not be asked (offline, or down). Say so, keep the place.
    return (
      <main className="page center-page">
        <ErrorText error={me.error} />
        <button type="button" className="button primary" onClick={() => void me.refetch()}>
          {t('common.retry')}
        </button>
      </main>
    );
  }
  if (!me.data) {
    const next = encodeURIComponent(location.pathname + location.search + location.hash);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return (
    <Suspense
      fallback={
        <p className="page muted" aria-busy="true">
          {t('common.loading')}
        </p>
      }
    >
      <Outlet />
    </Suspense>
  );
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
          { path: '/me/edit', element: <ProfilePage /> },
          { path: '/me/notifications', element: <NotificationSettingsPage /> },
          { path: '/me/blocks', element: <BlocksPage /> },
          { path: '/users/:id', element: <UserPage /> },
          { path: '/activities/:id', element: <ActivityPage /> },
          { path: '/threads/:id', element: <ThreadPage /> },
          { path: '/groups', element: <DiscoverPage /> },
          { path: '/groups/new', element: <NewGroupPage /> },
          { path: '/groups/:id', element: <GroupPage /> },
          { path: '/groups/:id/new', element: <NewThreadPage /> },
          { path: '/groups/:id/members', element: <MembersPage /> },
          { path: '/groups/:id/reports', element: <ReportsPage /> },
          { path: '/groups/:id/manage', element: <ManagePage /> },
          { path: '/groups/:id/manage/requests', element: <RequestsPage /> },
          { path: '/groups/:id/manage/bans', element: <BansPage /> },
          { path: '/groups/:id/manage/profile', element: <GroupProfilePage /> },
          { path: '/groups/:id/manage/rules', element: <GroupRulesPage /> },
          { path: '/groups/:id/manage/transfer', element: <TransferPage /> },
          { path: '/search', element: <SearchPage /> },
          // #13: wallet and bills routes
          { path: '/wallet', element: <WalletPage /> },
          { path: '/wallet/pin', element: <PinSettingsPage /> },
          { path: '/bills', element: <BillsPage /> },
          { path: '/bills/new', element: <NewBillPage /> },
          { path: '/bills/:id', element: <BillPage /> },

          // #13: activities routes
          { path: '/activities/new', element: <ActivityFormPage /> },
          { path: '/activities/:id/edit', element: <ActivityFormPage /> },

          // #13: chat routes
          { path: '/messages/:id', element: <ChatPage /> },

          // #13: operator and my data routes
          { path: '/me/data', element: <MyDataPage /> },
          {
            path: '/operator',
            element: <OperatorPage />,
            children: [
              { index: true, element: <Navigate to="/operator/reports" replace /> },
              { path: 'reports', element: <OperatorReports /> },
              { path: 'bans', element: <OperatorBans /> },
              { path: 'promotions', element: <OperatorPromotions /> },
              { path: 'figures', element: <OperatorFigures /> },
            ],
          },

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
