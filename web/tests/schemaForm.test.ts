import { describe, expect, it } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '../src/i18n'
import SchemaForm from '../src/components/SchemaForm.vue'
import { serverErrors } from '../src/lib/formErrors'

const schema = {
  type: 'object',
  required: ['applicants'],
  properties: {
    applicants: {
      type: 'array',
      minItems: 2,
      items: { type: 'object', required: ['name', 'idNumber'], properties: { name: { type: 'string' }, idNumber: { type: 'string', format: 'resident-id' } } },
    },
  },
}

describe('SchemaForm', () => {
  it('shows the API error at the field it names, with Chinese labels', async () => {
    const data = { applicants: [{ name: '张伟', idNumber: '110105199003071538' }, { name: '李娜', idNumber: '410105199206120248' }] }
    const { field } = serverErrors([{ location: 'body.form.applicants[1].idNumber', message: '校验位不正确' }])
    const w = mount(SchemaForm, { props: { schema, modelValue: data, additionalErrors: field }, global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    expect(w.find('[data-testid="field-applicants-0-idNumber"]').exists()).toBe(true)
    expect(w.find('[data-testid="error-applicants-1-idNumber"]').text()).toBe('校验位不正确')
    expect(w.find('[data-testid="error-applicants-0-idNumber"]').exists()).toBe(false)
    expect(w.text()).toContain('公民身份号码')
  })
  it('hides its own errors until asked, then shows them in Chinese', async () => {
    const data = { applicants: [{ name: '张伟', idNumber: '123' }, {}] }
    const w = mount(SchemaForm, { props: { schema, modelValue: data }, global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    expect(w.find('[data-testid="error-applicants-0-idNumber"]').exists()).toBe(false)
    await w.setProps({ showErrors: true })
    await flushPromises()
    expect(w.find('[data-testid="error-applicants-0-idNumber"]').text()).toBe('格式不正确')
    expect(w.find('[data-testid="error-applicants-1-name"]').text()).toBe('必填')
  })
})
