// The signed-in person, shared by the router and the pages.
import { reactive } from 'vue'
import type { Session } from './api/session'

/** me is the current session, or null before sign-in. */
export const me = reactive<{ session: Session | null; loaded: boolean }>({ session: null, loaded: false })
