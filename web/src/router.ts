// History routing; each area's pages load on demand so the first load stays small.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { me } from './session'
import { current } from './api/session'
import { homeFor, mayOpen, type Area } from './lib/roles'

const CaseList = () => import('./views/CaseList.vue')
const CasePage = () => import('./views/CasePage.vue')

/** routes of the console; meta.area says who may open them. */
export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/Login.vue'), meta: { public: true } },
  // '/' is sent on by the guard, once the session is known.
  { path: '/', name: 'home', component: { render: () => null } },
  { path: '/portal', name: 'portal', component: CaseList, props: { kind: 'applications' }, meta: { area: 'portal' } },
  { path: '/portal/new', name: 'portal-new', component: () => import('./views/ProcedurePicker.vue'), meta: { area: 'portal' } },
  { path: '/portal/new/:procedure', name: 'portal-apply', component: () => import('./views/Apply.vue'), props: true, meta: { area: 'portal' } },
  { path: '/portal/cases/:id', name: 'portal-case', component: CasePage, props: true, meta: { area: 'portal' } },
  { path: '/work', redirect: '/work/todo' },
  { path: '/work/todo', name: 'todo', component: CaseList, props: { kind: 'inbox' }, meta: { area: 'work' } },
  { path: '/work/done', name: 'done', component: CaseList, props: { kind: 'done' }, meta: { area: 'work' } },
  { path: '/work/copied', name: 'copied', component: CaseList, props: { kind: 'copied' }, meta: { area: 'work' } },
  { path: '/work/cases/:id', name: 'work-case', component: CasePage, props: true, meta: { area: 'work' } },
  { path: '/desk', redirect: '/desk/deadlines' },
  { path: '/desk/deadlines', name: 'deadlines', component: () => import('./views/Deadlines.vue'), meta: { area: 'desk' } },
  { path: '/desk/stats', name: 'stats', component: () => import('./views/Stats.vue'), meta: { area: 'desk' } },
  { path: '/desk/audit', name: 'audit', component: () => import('./views/Audit.vue'), meta: { area: 'desk' } },
  { path: '/desk/reads', name: 'reads', component: () => import('./views/Reads.vue'), meta: { area: 'desk' } },
  { path: '/desk/cases/:id', name: 'desk-case', component: CasePage, props: true, meta: { area: 'desk' } },
  { path: '/admin', redirect: '/admin/staff' },
  { path: '/admin/staff', name: 'staff', component: () => import('./views/AdminStaff.vue'), meta: { area: 'admin' } },
  { path: '/admin/accounts', name: 'accounts', component: () => import('./views/AdminAccounts.vue'), meta: { area: 'admin' } },
  { path: '/admin/procedures', name: 'procedures', component: () => import('./views/AdminProcedures.vue'), meta: { area: 'admin' } },
  { path: '/admin/calendar', name: 'calendar', component: () => import('./views/AdminCalendar.vue'), meta: { area: 'admin' } },
  { path: '/notifications', name: 'notifications', component: () => import('./views/Notifications.vue') },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHistory(), routes })

// Asked once at start, alongside the page's own code rather than before it.
let first: Promise<void> | null = null

router.beforeEach(async (to) => {
  if (!me.loaded) {
    // The page's chunk loads while the session is read (the router would
    // load it only after this guard).
    for (const r of to.matched) {
      const c = r.components?.default
      if (typeof c === 'function') (c as () => Promise<unknown>)()?.catch?.(() => undefined)
    }
    first ??= current()
      .catch(() => null)
      .then((s) => {
        me.session = s
        me.loaded = true
      })
    await first
  }
  if (to.meta.public) return true
  if (!me.session) return { name: 'login', query: to.name !== 'home' ? { next: to.fullPath } : {} }
  if (to.name === 'home') return homeFor(me.session.roles)
  // A page of an area the person has no role for sends them home; the
  // server refuses the data anyway.
  if (!mayOpen(to.meta.area as Area | undefined, me.session.roles)) return homeFor(me.session.roles)
  return true
})
