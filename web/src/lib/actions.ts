// What an action's dialog asks for. The workflow's validator is the judge;
// this only shows the fields the action uses, so nobody fills in what is
// thrown away or misses what is required.

/** The parts of a stage action in the procedure definition the dialog reads. */
export interface DefinedAction {
  id: string
  opinionRequired?: boolean
  attachmentRequired?: boolean
  proofRequired?: boolean
  amendsForm?: boolean
}

/** Fields of the action dialog. */
export interface DialogFields {
  /** Nothing to ask: the action is sent at once after a confirmation. */
  confirmOnly: boolean
  opinion: 'none' | 'optional' | 'required'
  /** Staff picked from the directory: none, one (transfer, delegate) or several (copy, add-signer). */
  targets: 'none' | 'one' | 'many'
  /** add-signer in a sequential countersign: before or after the current signer. */
  position: boolean
  /** remove-signer names the slot. */
  slot: boolean
  attachments: 'none' | 'optional' | 'required'
  /** accept-proof: each attachment says whose marriage ended, with whom, by which document, on which day. */
  proof: boolean
  /** A correction hands in the amended form. */
  form: boolean
  /** return:<stage> names the stage it goes back to; extend:<clock> the clock it extends. */
  returnStage?: string
  extendClock?: string
}

const noAsk = new Set(['claim', 'release', 'resolve', 'take-back', 'urge', 'confirm'])
const oneTarget = new Set(['transfer', 'delegate'])
const manyTargets = new Set(['copy', 'add-signer'])
// Refusals and the like must give reasons (行政许可法第三十八条).
const opinionByName = /^(refuse|reject|not-accept|propose-refusal|request-correction|terminate|stop)$/

/** dialogFields decides the dialog of action id, given its definition when the stage defines it. */
export function dialogFields(id: string, def?: DefinedAction, opinionRequired?: boolean): DialogFields {
  const f: DialogFields = {
    confirmOnly: false,
    opinion: 'optional',
    targets: 'none',
    position: false,
    slot: false,
    attachments: 'optional',
    proof: false,
    form: false,
  }
  if (id.startsWith('return:')) {
    f.returnStage = id.slice('return:'.length)
    f.opinion = 'required'
    f.attachments = 'none'
    return f
  }
  if (id.startsWith('extend:')) {
    f.extendClock = id.slice('extend:'.length)
    f.opinion = 'required'
    f.attachments = 'optional'
    return f
  }
  if (oneTarget.has(id) || manyTargets.has(id)) {
    f.targets = oneTarget.has(id) ? 'one' : 'many'
    f.position = id === 'add-signer'
    f.attachments = 'none'
    return f
  }
  if (id === 'remove-signer') {
    f.slot = true
    f.attachments = 'none'
    return f
  }
  if (noAsk.has(id)) {
    f.confirmOnly = true
    f.opinion = 'none'
    f.attachments = 'none'
    return f
  }
  if (id === 'withdraw') f.attachments = 'none'
  if (def?.opinionRequired || opinionRequired || opinionByName.test(id)) f.opinion = 'required'
  if (def?.attachmentRequired || def?.proofRequired) f.attachments = 'required'
  f.proof = !!def?.proofRequired
  f.form = !!def?.amendsForm
  return f
}

/** Values entered in the dialog. */
export interface DialogValues {
  opinion: string
  targets: string[]
  position?: 'before' | 'after'
  slot: string
  attachments: { title: string; reference: string; sha256?: string; proof?: Record<string, string> }[]
  form?: Record<string, unknown>
}

/** missing names the fields still to fill (i18n keys); empty when the dialog may be sent. */
export function missing(f: DialogFields, v: DialogValues): string[] {
  const out: string[] = []
  if (f.opinion === 'required' && !v.opinion.trim()) out.push('opinion')
  if (f.targets !== 'none' && v.targets.length === 0) out.push('targets')
  if (f.targets === 'one' && v.targets.length > 1) out.push('targets')
  if (f.slot && !v.slot.trim()) out.push('slot')
  if (f.attachments === 'required' && v.attachments.length === 0) out.push('attachments')
  for (const a of v.attachments) {
    if (!a.title.trim() || !a.reference.trim()) {
      out.push('attachments')
      break
    }
  }
  if (f.proof) {
    for (const a of v.attachments) {
      const p = a.proof ?? {}
      if (!p.person || !p.spouse || !p.number || !p.date || !p.kind) {
        out.push('proof')
        break
      }
    }
  }
  return out
}

/** requestBody builds the act request from what the dialog shows, leaving out what it does not. */
export function requestBody(id: string, f: DialogFields, v: DialogValues): Record<string, unknown> {
  const b: Record<string, unknown> = { action: id }
  if (f.opinion !== 'none' && v.opinion.trim()) b.opinion = v.opinion.trim()
  if (f.targets !== 'none') b.targets = v.targets
  if (f.position && v.position) b.position = v.position
  if (f.slot) b.slot = v.slot.trim()
  if (f.attachments !== 'none' && v.attachments.length) {
    b.attachments = v.attachments.map((a) => ({
      title: a.title.trim(),
      reference: a.reference.trim(),
      ...(a.sha256 ? { sha256: a.sha256 } : {}),
      ...(f.proof && a.proof ? { proof: a.proof } : {}),
    }))
  }
  if (f.form && v.form) b.form = v.form
  return b
}
