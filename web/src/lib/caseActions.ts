// Which of a case's actions this person gets a button for. nextActions
// lists every action of the stage with the role that takes it ("party" for
// the applicants); the workflow refuses anyone else, so the console shows
// each person only their own.
import { holds, mayTake } from './roles'

/** The parts of a case the buttons depend on. */
export interface ActionCase {
  nextActions?: { action: string; by: string; office: string; title: { zh: string; en: string }; opinionRequired?: boolean }[] | null
  assignment?: { holder?: string; owner?: string; role?: string; office?: string } | null
  status?: string
}

type NextAction = NonNullable<ActionCase['nextActions']>[number]

/**
 * buttonsFor lists the actions to show: in the portal the parties' own, on
 * the workbench those of a role the person holds where the case is, plus the
 * task actions of the task they hold (release, transfer, delegate, copy).
 */
export function buttonsFor(c: ActionCase, me: { subject: string; roles?: string[] | null }, portal: boolean): NextAction[] {
  const out = (c.nextActions ?? []).filter((a) => mayTake(a, me.roles, portal))
  const as = c.assignment
  if (!portal && as && c.status !== 'closed') {
    const mine = as.holder === me.subject
    const extra: [string, string, string][] = []
    if (mine) {
      extra.push(['release', '释放', 'Release'], ['transfer', '转办', 'Transfer'], ['delegate', '委派', 'Delegate'])
    }
    // A delegate hands the task back to its owner.
    if (mine && as.owner && as.owner !== me.subject) extra.push(['resolve', '交回', 'Resolve'])
    if (as.role && as.office && holds(me.roles, as.role, as.office)) extra.push(['copy', '抄送', 'Copy'])
    for (const [action, zh, en] of extra) {
      if (!out.some((a) => a.action === action)) out.push({ action, by: as.role ?? '', office: as.office ?? '', title: { zh, en } })
    }
  }
  return out
}
