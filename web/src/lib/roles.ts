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

/** covers tells whether a grant's division includes office: 000000 every office, 110000 the province, 110100 the city. */
export function covers(division: string, office: string): boolean {
  if (division === '000000') return true
  if (division.endsWith('0000')) return office.startsWith(division.slice(0, 2))
  if (division.endsWith('00')) return office.startsWith(division.slice(0, 4))
  return division === office
}

/**
 * mayTake tells whether to offer an action of the case's list to this person:
 * a party's actions in the portal (and a registrar's confirmation of parties
 * seen in person), the others to holders of the role over the action's office.
 * The server decides; this only hides buttons it would refuse.
 */
export function mayTake(a: { action?: string; by?: string; office?: string }, roles: readonly string[] | null | undefined, portal: boolean): boolean {
  if (a.by === 'party') return portal || (a.action === 'confirm' && (roles ?? []).some((r) => r.startsWith('registrar:') && covers(r.slice(10), a.office ?? '')))
  if (portal) return false
  return (roles ?? []).some((r) => {
    const [role, division] = r.split(':')
    return role === a.by && covers(division ?? '', a.office ?? '')
  })
}

/** holds tells whether the person holds role at a division covering office. */
export function holds(roles: readonly string[] | null | undefined, role: string, office: string): boolean {
  return (roles ?? []).some((g) => {
    const [r, d] = g.split(':')
    return r === role && !!d && covers(d, office)
  })
}
