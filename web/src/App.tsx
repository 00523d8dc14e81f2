import { Center, Loader } from '@mantine/core';
import type { QueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { customType, type ObjectType } from './records.ts';
import { match, navigate, useLocation } from './router.tsx';
import { sessionQuery, useSession } from './session.ts';
import { preloadable } from './ui/preloadable.tsx';
import { Shell } from './ui/Shell.tsx';

// Route-level code splitting: the first page loads only what it shows.
const SignIn = lazy(() => import('./features/auth/SignIn.tsx'));
const SignUp = lazy(() => import('./features/auth/SignUp.tsx'));
const AcceptInvite = lazy(() => import('./features/auth/AcceptInvite.tsx'));
const ForgotPassword = lazy(() => import('./features/auth/ForgotPassword.tsx'));
const ResetPassword = lazy(() => import('./features/auth/ResetPassword.tsx'));
const Home = lazy(() => import('./features/home/HomePage.tsx'));
const listPage = preloadable(() => import('./features/lists/ListPage.tsx'));
const ListPage = listPage.Page;
const RecordPage = lazy(() => import('./features/records/RecordPage.tsx'));
const Board = lazy(() => import('./features/deals/DealsBoard.tsx'));
const Reports = lazy(() => import('./features/reports/ReportsPage.tsx'));
const Settings = lazy(() => import('./features/settings/SettingsPage.tsx'));
const Trash = lazy(() => import('./features/trash/TrashPage.tsx'));
const Calendar = lazy(() => import('./features/calendar/CalendarPage.tsx'));
const Duplicates = lazy(() => import('./features/duplicates/DuplicatesPage.tsx'));
const Merge = lazy(() => import('./features/duplicates/MergePage.tsx'));
const Lists = lazy(() => import('./features/static-lists/ListsPage.tsx'));
const ListMembers = lazy(() => import('./features/static-lists/ListMembersPage.tsx'));
const Knowledge = lazy(() => import('./features/knowledge/KnowledgePage.tsx'));
const ArticleEditor = lazy(() => import('./features/knowledge/ArticleEditor.tsx'));
const Automation = lazy(() => import('./features/automation/AutomationPage.tsx'));
const ImportPage = lazy(() => import('./features/imports/ImportPage.tsx'));
const ImportDetail = lazy(() => import('./features/imports/ImportDetail.tsx'));
const Tickets = lazy(() => import('./features/tickets/TicketsPage.tsx'));
const TicketPage = lazy(() => import('./features/tickets/TicketPage.tsx'));
const Chat = lazy(() => import('./features/chat/ChatPage.tsx'));
const NotFound = lazy(() => import('./ui/NotFound.tsx'));

const objectPaths = { contacts: 'contact', companies: 'company', deals: 'deal', leads: 'lead', tasks: 'task' } as const;
type ObjectPath = keyof typeof objectPaths;

export function PageLoader() {
  const { t } = useTranslation();
  return (
    <Center h="60vh">
      <Loader aria-label={t('app.loading')} />
    </Center>
  );
}

/** The object whose list a path shows: `/contacts` → contact, `/o/project` → custom:project. */
function listTypeOf(path: string): ObjectType | null {
  const list = match('/:object', path);
  if (list && list.object in objectPaths) return objectPaths[list.object as ObjectPath];
  const own = match('/o/:key', path);
  return own ? customType(own.key) : null;
}

/**
 * Runs before the first render. A list opened from the address bar (a reload, a link) used to load
 * one thing after another: the app's code, then the session, then the page's code, then its rows.
 * Now the session and the page's code load side by side, and the rows, fields, views, members and
 * stages are all asked for as soon as the session answers.
 */
export function preloadRoute(qc: QueryClient) {
  const type = listTypeOf(location.pathname);
  if (!type) return;
  void listPage.preload();
  const session = qc.fetchQuery(sessionQuery).catch(() => null);
  void Promise.all([session, import('./features/lists/listQuery.ts')]).then(([s, m]) => {
    if (s) m.prefetchList(qc, type, new URLSearchParams(location.search));
  });
}

function SignedInRoutes({ path }: { path: string }) {
  if (path === '/' || path === '') return <Home />;
  if (path === '/deals/board') return <Board />;
  if (path === '/reports') return <Reports />;
  if (path === '/calendar') return <Calendar />;
  if (path.startsWith('/settings')) return <Settings />;
  if (path === '/trash') return <Trash />;
  if (path === '/duplicates') return <Duplicates />;
  if (path === '/duplicates/merge') return <Merge />;
  if (path === '/lists') return <Lists />;
  const staticList = match('/lists/:id', path);
  if (staticList) return <ListMembers key={path} id={staticList.id} />;
  if (path === '/knowledge') return <Knowledge />;
  const kbArticle = match('/knowledge/:id', path);
  if (kbArticle) return <ArticleEditor key={kbArticle.id} id={kbArticle.id} />;
  if (path === '/automation' || path.startsWith('/automation/')) return <Automation />;
  if (path === '/tickets') return <Tickets />;
  if (path === '/chat') return <Chat />;
  const ticket = match('/tickets/:id', path);
  if (ticket) return <TicketPage key={ticket.id} id={ticket.id} />;
  if (path === '/import') return <ImportPage />;
  const imp = match('/imports/:id', path);
  if (imp) return <ImportDetail key={imp.id} id={imp.id} />;
  const list = match('/:object', path);
  if (list && list.object in objectPaths) return <ListPage key={list.object} type={objectPaths[list.object as ObjectPath]} />;
  const own = match('/o/:key', path);
  if (own) return <ListPage key={path} type={customType(own.key)} />;
  const ownRecord = match('/o/:key/:id', path);
  if (ownRecord) return <RecordPage key={path} type={customType(ownRecord.key)} id={ownRecord.id} />;
  const rec = match('/:object/:id', path);
  if (rec && rec.object in objectPaths && rec.object !== 'tasks')
    return <RecordPage key={path} type={objectPaths[rec.object as ObjectPath] as 'contact'} id={rec.id} />;
  return <NotFound />;
}

const publicPaths = ['/signin', '/signup', '/invite', '/forgot-password', '/reset-password'];
// Links handed to one person work whoever is signed in in this browser.
const linkPaths = ['/invite', '/reset-password'];

function PublicRoutes({ path }: { path: string }) {
  if (path === '/signup') return <SignUp />;
  if (path === '/invite') return <AcceptInvite />;
  if (path === '/forgot-password') return <ForgotPassword />;
  if (path === '/reset-password') return <ResetPassword />;
  return <SignIn />;
}

export function App() {
  const { path } = useLocation();
  const session = useSession();
  const signedIn = !!session.data;
  const isPublic = publicPaths.includes(path);

  useEffect(() => {
    if (!signedIn) return;
    // Signed in, the list page's code loads once the first page is up: opening a list from the
    // navigation then waits for its rows only, not for its code first.
    const idle = setTimeout(() => void listPage.preload(), 1000);
    return () => clearTimeout(idle);
  }, [signedIn]);

  useEffect(() => {
    if (session.isPending) return;
    if (!signedIn && !isPublic) navigate(`/signin${path !== '/' ? `?next=${encodeURIComponent(path)}` : ''}`, { replace: true });
    if (signedIn && isPublic && !linkPaths.includes(path)) navigate('/', { replace: true });
  }, [session.isPending, signedIn, isPublic, path]);

  if (session.isPending) return <PageLoader />;
  if (!signedIn || isPublic) {
    return (
      <Suspense fallback={<PageLoader />}>
        <PublicRoutes path={path} />
      </Suspense>
    );
  }
  return (
    <Shell path={path}>
      <Suspense fallback={<PageLoader />}>
        <SignedInRoutes path={path} />
      </Suspense>
    </Shell>
  );
}
