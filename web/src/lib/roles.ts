// Where the console sends a person after sign-in, from the roles the staff
// directory gives them. The server decides what they may do; this only picks
// the page they land on and which menus they see.

/** Areas of the console. */
export type Area = 'portal' | 'work' | 'desk' | 'admin'

/** roleNames strips the divisions: `registrar:110105` → `registrar`. */
export function roleNames(roles: readonly string[] | null | undefined): Set<string> {
  return new Set((roles ?? []).map((r) => r.split(':')[0]))
}

/** areasFor lists the areas a person may open, in menu order. Everyone has the portal. */
export function areasFor(roles: readonly string[] | null | undefined): Area[] {
  const n = roleNames(roles)
  const out: Area[] = []
  if (n.has('registrar') || n.has('approver') || n.has('assessor')) out.push('work')
  if (n.has('supervisor')) out.push('desk')
  if (n.has('admin')) out.push('admin')
  out.push('portal')
  return out
}

/** homeFor is the landing page: the first staff area, else the applicant portal. */
export function homeFor(roles: readonly string[] | null | undefined): string {
  const a = areasFor(roles)[0]
  return a === 'work' ? '/work/todo' : a === 'desk' ? '/desk/deadlines' : a === 'admin' ? '/admin/staff' : '/portal'
}

/** mayOpen tells whether a route of an area is for this person (the router redirects otherwise). */
export function mayOpen(area: Area | undefined, roles: readonly string[] | null | undefined): boolean {
  if (!area) return true
  return areasFor(roles).includes(area)
}

/** divisionOf gives the division of the person's first grant of role (000000 when none). */
export function divisionOf(roles: readonly string[] | null | undefined, role: string): string {
  const g = (roles ?? []).find((r) => r.startsWith(role + ':'))
  return g ? g.slice(role.length + 1) : '000000'
}
