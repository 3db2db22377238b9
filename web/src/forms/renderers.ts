// JSON Forms renderers: Element Plus controls for the fields, the vanilla
// set for layouts, objects and arrays.
import { isBooleanControl, isEnumControl, isIntegerControl, isNumberControl, isStringControl, isDateControl, or, rankWith, type JsonFormsRendererRegistryEntry } from '@jsonforms/core'
import { vanillaRenderers } from '@jsonforms/vue-vanilla'
import ElControl from './ElControl.vue'

/** renderers of the application form. */
export const renderers: JsonFormsRendererRegistryEntry[] = [
  ...vanillaRenderers,
  {
    renderer: ElControl,
    tester: rankWith(10, or(isStringControl, isNumberControl, isIntegerControl, isBooleanControl, isEnumControl, isDateControl)),
  },
]
