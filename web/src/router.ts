// Client-side routes. Every page but sign-in, the feedback form and the public portal needs a
// session; pages load on demand.
import { createRouter, createWebHistory } from 'vue-router'
import { loadSession, session } from './session'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: '/dashboard' },
    { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
    { path: '/dashboard', name: 'dashboard', component: () => import('./pages/DashboardPage.vue') },
    { path: '/plans', name: 'plans', component: () => import('./pages/PlanTreePage.vue') },
    { path: '/plans/:id/timeline', name: 'gantt', component: () => import('./pages/GanttPage.vue') },
    { path: '/tasks', name: 'tasks', component: () => import('./pages/TasksPage.vue') },
    { path: '/tasks/:id', name: 'task', component: () => import('./pages/TaskPage.vue') },
    { path: '/indicators', name: 'indicators', component: () => import('./pages/IndicatorsPage.vue') },
    { path: '/indicators/:id', name: 'indicator', component: () => import('./pages/IndicatorPage.vue') },
    { path: '/data-entry', name: 'entry', component: () => import('./pages/DataEntryPage.vue') },
    { path: '/admin/units', name: 'units', component: () => import('./pages/AdminUnitsPage.vue') },
    { path: '/admin/users', name: 'users', component: () => import('./pages/AdminUsersPage.vue') },
    { path: '/admin/imports', name: 'imports', component: () => import('./pages/AdminImportsPage.vue') },
    // --- reports, notifications, urging (W1) ---
    { path: '/reports', name: 'reports', component: () => import('./pages/ReportsPage.vue') },
    { path: '/reports/new', name: 'report-new', component: () => import('./pages/ReportNewPage.vue') },
    { path: '/reports/:id(\\d+)', name: 'report', component: () => import('./pages/ReportPage.vue') },
    { path: '/notifications', name: 'notifications', component: () => import('./pages/NotificationsPage.vue') },
    { path: '/urgings', name: 'urgings', component: () => import('./pages/UrgingsPage.vue') },
    { path: '/urgings/:id(\\d+)', name: 'urging', component: () => import('./pages/UrgingPage.vue') },
    // --- scorecards, reviews, feedback (W2) ---
    { path: '/scorecards', name: 'scorecards', component: () => import('./pages/ScorecardsPage.vue') },
    { path: '/scorecards/:unit', name: 'scorecard-history', component: () => import('./pages/ScorecardHistoryPage.vue') },
    { path: '/reviews', name: 'reviews', component: () => import('./pages/ReviewsPage.vue') },
    { path: '/reviews/compare', name: 'review-compare', component: () => import('./pages/ReviewComparePage.vue') },
    { path: '/reviews/:id(\\d+)', name: 'review', component: () => import('./pages/ReviewPage.vue') },
    { path: '/feedback', name: 'feedback', component: () => import('./pages/FeedbackPage.vue') },
    { path: '/gop-y', name: 'public-feedback', component: () => import('./pages/PublicFeedbackPage.vue'), meta: { public: true } },
    // --- the public portal (no sign-in) ---
    { path: '/cong-khai', name: 'portal', component: () => import('./pages/portal/PortalHome.vue'), meta: { public: true, portal: true } },
    { path: '/cong-khai/du-lieu', name: 'portal-catalogue', component: () => import('./pages/portal/PortalCatalogue.vue'), meta: { public: true, portal: true } },
    { path: '/cong-khai/du-lieu/:name', name: 'portal-dataset', component: () => import('./pages/portal/PortalDataset.vue'), meta: { public: true, portal: true } },
    { path: '/:rest(.*)*', name: 'missing', component: () => import('./pages/MissingPage.vue'), meta: { public: true } },
  ],
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

router.beforeEach(async (to) => {
  await loadSession()
  if (!to.meta.public && !session.user) return { name: 'login', query: { next: to.fullPath } }
  if (to.name === 'login' && session.user) return { path: '/dashboard' }
  return true
})
