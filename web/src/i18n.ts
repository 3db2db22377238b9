// Chinese first; English on the switch. Terms follow the project glossary.
import { createI18n } from 'vue-i18n'

const zh = {
  app: { title: '民政审批', lang: 'English', signout: '退出' },
  nav: {
    portal: '我的申请', 'portal-new': '申请办理', work: '工作台', todo: '待办', done: '已办', copied: '抄送我的',
    desk: '监察台', deadlines: '时限监察', stats: '统计', audit: '审计校验', reads: '查阅记录',
    admin: '管理', staff: '人员与角色', accounts: '账号', procedures: '事项', calendar: '法定节假日',
    notifications: '消息',
  },
  login: {
    title: '登录', username: '用户名', password: '密码', submit: '登录', oidc: '统一身份认证登录',
    failed: '用户名或密码错误', locked: '尝试次数过多，请 {s} 秒后再试',
  },
  field: {
    applicants: '申请人', name: '姓名', idNumber: '公民身份号码', declaration: '声明',
    noSpouse: '本人无配偶', noProhibitedKinship: '双方无直系血亲和三代以内旁系血亲关系', signedByBoth: '双方已签字',
    agreement: '离婚协议', willToDivorce: '双方自愿离婚', children: '子女抚养', property: '财产处理', debts: '债务处理',
    fullCivilCapacity: '双方均具有完全民事行为能力', household: '家庭成员', income: '收入', assets: '财产',
    address: '地址', phone: '联系电话', reason: '事由', amount: '金额',
    ableToRaise: '有抚养、教育和保护被收养人的能力', adopted: '被收养人', adopterChildren: '收养人子女数', applicantGovernment: '申请政府',
    areaKm2: '面积（平方公里）', birth: '出生', birthDate: '出生日期', birthParentIdNumber: '生父母身份号码', boundaries: '界线',
    category: '类别', cause: '原因', charity: '慈善组织', child: '子女', collateralRelative: '三代以内旁系同辈血亲',
    consent: '同意', consented: '已同意', consents: '同意意见', dataCheck: '信息核对', description: '说明', disabled: '残疾',
    division: '行政区划', document: '文件', domicile: '住所', extraHomes: '其他住房', field: '业务范围（领域）',
    financialAssets: '金融资产', fundraising: '公开募捐', funds: '资金', hardship: '困难情形', hukouDivision: '户籍所在地',
    inWelfareInstitution: '在社会福利机构', individuals: '个人会员', irregularIncome: '不固定收入', legalRepresentative: '法定代表人',
    legalRepresentativeAbroad: '法定代表人在境外', marriageCertificateNumber: '结婚证字号', members: '成员', monthlyIncome: '月收入',
    newName: '新名称', noAdverseRecord: '无不利于被收养人成长的违法犯罪记录', noDisqualifyingDisease: '未患有在医学上认为不应当收养子女的疾病',
    nonProfit: '非营利', occurredOn: '发生日期', organization: '组织', otherParentAbsent: '另一方下落不明', otherParentProof: '另一方情况证明',
    overseasChinese: '华侨', paidInCash: '现金支付', parentsLackCapacity: '生父母无力抚养', placement: '安置', placer: '送养人',
    plan: '方案', population: '人口', position: '职务', purposes: '宗旨', relation: '关系', requestedAmount: '申请金额',
    residencePermitDivision: '居住证所在地', scope: '业务范围', seat: '驻地', sex: '性别', socialSecurityCard: '社会保障卡',
    sponsoringUnit: '业务主管单位', staffRelation: '与经办人员的关系', staffRelative: '经办人员近亲属', subordination: '隶属关系',
    supportersConsent: '抚养人同意', units: '单位会员', vehicles: '机动车辆',
  },

  case: {
    id: '办件编号', procedure: '事项', stage: '当前环节', status: '状态', office: '办理机关', due: '办理时限',
    daysLeft: '剩余 {n} 个工作日', overdue: '已超期 {n} 个工作日', suspended: '暂停计时', suspendedBecause: '暂停原因',
    submitted: '申请时间', timeline: '办理过程', documents: '证照与文书', application: '申请内容', parties: '当事人',
    clocks: '法定期限', trail: '审计轨迹', signatures: '会签', print: '打印', file: '案卷', outcome: '结果',
    clock: '期限', lastDay: '届满日', rule: '计算规则', who: '经办', what: '事项', sep: '：', issueSep: '', docKind: '种类', docNumber: '编号', issuedOn: '发证日期',
    noActions: '当前无可办理的操作', holder: '经办人', pool: '待认领', readers: '抄送', basis: '法律依据',
  },
  status: { running: '计时中', suspended: '暂停计时', overdue: '已超期', 'pending-calendar': '待节假日数据', none: '无时限', open: '办理中', closed: '已办结' },
  list: {
    procedure: '事项', stage: '环节', office: '机关', dueBefore: '截止日期早于', text: '编号或标题', search: '查询',
    sort: '排序', byDue: '按时限', bySubmitted: '按申请时间', asc: '升序', desc: '降序', empty: '暂无数据', title: '标题',
  },
  action: {
    opinion: '意见', opinionRequired: '请填写意见', targets: '人员', position: '加签位置', before: '之前', after: '之后',
    slot: '会签席位', attachments: '附件', addAttachment: '添加附件', attTitle: '名称', attReference: '存放位置',
    proof: '证明内容', proofPerson: '婚姻已终止的申请人身份号码', proofSpouse: '前配偶身份号码', proofNumber: '文书编号',
    proofDate: '婚姻终止日期', proofKind: '文书种类', form: '补正后的申请内容', confirm: '确定', cancel: '取消',
    returnTo: '退回至', extend: '延长期限', sure: '确定执行“{a}”？', done: '已办理', missing: '请填写：{f}',
    claim: '认领', release: '释放', transfer: '转办', delegate: '委派', resolve: '交回', 'take-back': '撤回决定',
    urge: '催办', copy: '抄送', 'add-signer': '加签', 'remove-signer': '减签', confirmAction: '确认',
  },
  proofKind: { 'divorce-judgment': '离婚判决书', 'divorce-certificate': '离婚证', 'death-certificate': '死亡证明', 'death-declaration': '宣告死亡判决' },
  doc: {
    'marriage-certificate': '结婚证', 'divorce-certificate': '离婚证', 'adoption-certificate': '收养登记证',
    'divorce-acceptance-receipt': '离婚登记申请受理回执单', 'divorce-withdrawal-confirmation': '撤回离婚登记申请确认单',
    'social-group-registration-certificate': '社会团体法人登记证书', 'social-service-organization-registration-certificate': '民办非企业单位登记证书',
    'foundation-registration-certificate': '基金会法人登记证书', 'registration-announcement': '登记公告', 'conversion-announcement': '撤县设市公告',
    'subsistence-allowance-decision': '最低生活保障审批决定', 'subsistence-allowance-adjustment': '最低生活保障调整决定',
    'subsistence-allowance-stop': '停止最低生活保障决定', 'subsistence-allowance-publication': '最低生活保障公布',
    'temporary-assistance-decision': '临时救助审批决定', 'temporary-assistance-payment': '临时救助发放', 'temporary-assistance-recovery': '临时救助追回',
  },
  event: {
    submit: '提交申请', 'checks-passed': '自动核查通过', 'checks-failed': '自动核查未通过', route: '分流', accept: '受理',
    issue: '出具', close: '办结', claim: '认领', release: '释放', transfer: '转办', delegate: '委派', resolve: '交回',
    'take-back': '撤回决定', urge: '催办', copy: '抄送', 'add-signer': '加签', 'remove-signer': '减签', confirm: '确认申请',
    return: '退回', extend: '延长期限', timeout: '期限届满', escalate: '超期上报', remind: '到期提醒', recount: '重新计算期限',
  },
  outcome: { approved: '准予登记', refused: '不予登记', withdrawn: '已撤回', 'deemed-withdrawn': '视为撤回', 'not-accepted': '不予受理', terminated: '终止' },
  role: { registrar: '登记员', approver: '审批人', assessor: '评估人', supervisor: '监察员', admin: '管理员', party: '当事人', applicant: '申请人', system: '系统' },
  form: { submit: '提交申请', office: '受理机关（行政区划代码）', fix: '请按提示修改后重新提交', pick: '请选择办理事项' },
  receipt: { title: '受理回执', print: '打印回执', caseId: '办件编号', received: '收件时间', stage: '当前环节', note: '请妥善保存本回执，凭办件编号查询办理进度。' },
  desk: {
    within: '天内到期', nearDue: '临近到期', overdue: '已超期', verify: '校验审计链', intact: '审计链完整', broken: '审计链被篡改',
    entries: '条目', export: '导出 CSV', from: '起', to: '止', division: '行政区划', byProcedure: '按事项', byStage: '按环节',
    byOutcome: '按结果', processing: '办理工作日（分位数）', refusals: '不予登记理由', overdueOffices: '超期机关', load: '查询', caseId: '办件编号',
    problems: '问题', checkpoints: '检查点',
  },
  admin: {
    subject: '标识', name: '姓名', roles: '角色', save: '保存', edit: '编辑', lookup: '查询人员', active: '启用',
    username: '用户名', newPassword: '新密码', years: '已载入年份', diagram: '流程图', version: '版本', nature: '性质',
    legalBasis: '法律依据', calendarVersion: '节假日数据版本', coveredUntil: '数据截至',
    notices: '已载入的节假日通知', loadNotice: '载入节假日通知', loadedBy: '载入人', regions: '有地方性假日的行政区划',
    provisional: '尚无通知的年份按法定节假日暂行计算，通知载入后重新计算。',
  },
  notif: { read: '标为已读', unread: '未读', kind: '类型', message: '内容', at: '时间' },
  error: { generic: '操作失败', forbidden: '无权访问' },
}

type Messages = typeof zh

// English field labels the glossary names; the rest fall back to the property's own name.
const en: Omit<Messages, 'field'> & { field: Partial<Messages['field']> } = {
  app: { title: 'Civil affairs approvals', lang: '中文', signout: 'Sign out' },
  nav: {
    portal: 'My applications', 'portal-new': 'Apply', work: 'Workbench', todo: 'To do', done: 'Done', copied: 'Copied to me',
    desk: 'Supervision', deadlines: 'Deadlines', stats: 'Statistics', audit: 'Audit verify', reads: 'Read log',
    admin: 'Administration', staff: 'Staff directory', accounts: 'Accounts', procedures: 'Procedures', calendar: 'Calendar',
    notifications: 'Notifications',
  },
  login: {
    title: 'Sign in', username: 'Username', password: 'Password', submit: 'Sign in', oidc: 'Sign in with the identity platform',
    failed: 'Wrong username or password', locked: 'Too many attempts; try again in {s} s',
  },
  field: {
    applicants: 'Applicants', name: 'Name', idNumber: 'Resident ID number', declaration: 'Declaration',
    noSpouse: 'I have no spouse', noProhibitedKinship: 'No prohibited kinship', signedByBoth: 'Signed by both',
    agreement: 'Divorce agreement', willToDivorce: 'Both wish to divorce', children: 'Children', property: 'Property', debts: 'Debts',
    fullCivilCapacity: 'Both have full civil capacity', household: 'Household', income: 'Income', assets: 'Assets',
    address: 'Address', phone: 'Phone', reason: 'Reason', amount: 'Amount',
  },
  case: {
    id: 'Case ID', procedure: 'Procedure', stage: 'Stage', status: 'Status', office: 'Office', due: 'Time limit',
    daysLeft: '{n} working days left', overdue: 'Overdue by {n} working days', suspended: 'Clock suspended', suspendedBecause: 'Suspended because',
    submitted: 'Submitted', timeline: 'Timeline', documents: 'Documents', application: 'Application', parties: 'Parties',
    clocks: 'Statutory limits', trail: 'Audit trail', signatures: 'Countersign', print: 'Print', file: 'Case file', outcome: 'Outcome',
    clock: 'Limit', lastDay: 'Last day', rule: 'Rule', who: 'Who', what: 'What', sep: ': ', issueSep: ' ', docKind: 'Kind', docNumber: 'Number', issuedOn: 'Issued on',
    noActions: 'No action open to you', holder: 'Holder', pool: 'Unclaimed', readers: 'Copied to', basis: 'Legal basis',
  },
  status: { running: 'Running', suspended: 'Suspended', overdue: 'Overdue', 'pending-calendar': 'Awaiting calendar', none: 'No limit', open: 'Open', closed: 'Closed' },
  list: {
    procedure: 'Procedure', stage: 'Stage', office: 'Office', dueBefore: 'Due before', text: 'Case ID or title', search: 'Search',
    sort: 'Sort', byDue: 'By due date', bySubmitted: 'By submission', asc: 'Ascending', desc: 'Descending', empty: 'Nothing here', title: 'Title',
  },
  action: {
    opinion: 'Opinion', opinionRequired: 'An opinion is required', targets: 'Staff', position: 'Position', before: 'Before', after: 'After',
    slot: 'Slot', attachments: 'Attachments', addAttachment: 'Add attachment', attTitle: 'Title', attReference: 'Reference',
    proof: 'Proof', proofPerson: 'ID of the applicant whose marriage ended', proofSpouse: 'ID of the former spouse', proofNumber: 'Document number',
    proofDate: 'Day the marriage ended', proofKind: 'Document kind', form: 'Corrected application', confirm: 'Confirm', cancel: 'Cancel',
    returnTo: 'Return to', extend: 'Extend', sure: 'Do “{a}”?', done: 'Done', missing: 'Please fill in: {f}',
    claim: 'Claim', release: 'Release', transfer: 'Transfer', delegate: 'Delegate', resolve: 'Resolve', 'take-back': 'Take back',
    urge: 'Urge', copy: 'Copy', 'add-signer': 'Add signer', 'remove-signer': 'Remove signer', confirmAction: 'Confirm',
  },
  proofKind: { 'divorce-judgment': 'Divorce judgment', 'divorce-certificate': 'Divorce certificate', 'death-certificate': 'Death certificate', 'death-declaration': 'Declaration of death' },
  doc: {
    'marriage-certificate': 'Marriage certificate', 'divorce-certificate': 'Divorce certificate', 'adoption-certificate': 'Adoption certificate',
    'divorce-acceptance-receipt': 'Divorce application receipt', 'divorce-withdrawal-confirmation': 'Divorce withdrawal confirmation',
    'social-group-registration-certificate': 'Social group registration certificate', 'social-service-organization-registration-certificate': 'Social service organization registration certificate',
    'foundation-registration-certificate': 'Foundation registration certificate', 'registration-announcement': 'Registration announcement', 'conversion-announcement': 'Conversion announcement',
    'subsistence-allowance-decision': 'Subsistence allowance decision', 'subsistence-allowance-adjustment': 'Subsistence allowance adjustment',
    'subsistence-allowance-stop': 'Subsistence allowance stopped', 'subsistence-allowance-publication': 'Subsistence allowance publication',
    'temporary-assistance-decision': 'Temporary assistance decision', 'temporary-assistance-payment': 'Temporary assistance payment', 'temporary-assistance-recovery': 'Temporary assistance recovery',
  },
  event: {
    submit: 'Submitted', 'checks-passed': 'Checks passed', 'checks-failed': 'Checks failed', route: 'Routed', accept: 'Accepted',
    issue: 'Issued', close: 'Closed', claim: 'Claimed', release: 'Released', transfer: 'Transferred', delegate: 'Delegated', resolve: 'Resolved',
    'take-back': 'Taken back', urge: 'Urged', copy: 'Copied', 'add-signer': 'Signer added', 'remove-signer': 'Signer removed', confirm: 'Confirmed',
    return: 'Returned', extend: 'Extended', timeout: 'Period ran out', escalate: 'Escalated', remind: 'Reminder', recount: 'Period recounted',
  },
  outcome: { approved: 'Approved', refused: 'Refused', withdrawn: 'Withdrawn', 'deemed-withdrawn': 'Deemed withdrawn', 'not-accepted': 'Not accepted', terminated: 'Terminated' },
  role: { registrar: 'Registrar', approver: 'Approver', assessor: 'Assessor', supervisor: 'Supervisor', admin: 'Administrator', party: 'Party', applicant: 'Applicant', system: 'System' },
  form: { submit: 'Submit', office: 'Receiving office (division code)', fix: 'Please correct the fields marked and submit again', pick: 'Choose a procedure' },
  receipt: { title: 'Receipt', print: 'Print receipt', caseId: 'Case ID', received: 'Received', stage: 'Stage', note: 'Keep this receipt; the case ID lets you follow the case.' },
  desk: {
    within: 'days ahead', nearDue: 'Near due', overdue: 'Overdue', verify: 'Verify audit chain', intact: 'The audit chain is intact', broken: 'The audit chain was altered',
    entries: 'entries', export: 'Export CSV', from: 'From', to: 'To', division: 'Division', byProcedure: 'By procedure', byStage: 'By stage',
    byOutcome: 'By outcome', processing: 'Working days (percentiles)', refusals: 'Refusals by reason', overdueOffices: 'Overdue offices', load: 'Load', caseId: 'Case ID',
    problems: 'Problems', checkpoints: 'Checkpoints',
  },
  admin: {
    subject: 'Subject', name: 'Name', roles: 'Roles', save: 'Save', edit: 'Edit', lookup: 'Look up', active: 'Active',
    username: 'Username', newPassword: 'New password', years: 'Years loaded', diagram: 'Diagram', version: 'Version', nature: 'Nature',
    legalBasis: 'Legal basis', calendarVersion: 'Calendar version', coveredUntil: 'Covered until',
    notices: 'Holiday notices loaded', loadNotice: 'Load a holiday notice', loadedBy: 'Loaded by', regions: 'Divisions with regional days off',
    provisional: 'Years without a notice are counted provisionally and recounted once it is loaded.',
  },
  notif: { read: 'Mark read', unread: 'Unread', kind: 'Kind', message: 'Message', at: 'At' },
  error: { generic: 'The request failed', forbidden: 'Not allowed' },
}

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('civilflow.locale') : null

/** i18n is the console's translator; zh unless the person switched. */
export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh',
  fallbackLocale: 'zh',
  messages: { zh, en },
})

/** setLocale switches and remembers the language. */
export function setLocale(l: 'zh' | 'en') {
  i18n.global.locale.value = l
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en'
  localStorage.setItem('civilflow.locale', l)
}
