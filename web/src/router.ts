// Client-side routes. Every page but sign-in needs a session; pages load on demand.
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
