// Cases prepared through the API, for the tests whose subject is a later step.
import { api, mint, tokenFor } from './server.mjs';
import { OFFICE, people, residentId } from '../fixtures.mjs';

let seq = 0;

const day = (n) => new Date(Date.UTC(1980, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);

// couple makes two fresh applicants (a man and a woman of legal age) with
// tokens. Each test file names its own series, so that couples of two files
// (each its own process) never meet in one application.
export function couple(series) {
  const n = series * 200 + ++seq;
  const h = { name: `测男${n}`, subject: residentId(OFFICE, day(n), 50, true) };
  const w = { name: `测女${n}`, subject: residentId(OFFICE, day(n), 50, false) };
  h.token = mint(h.subject, h.name);
  w.token = mint(w.subject, w.name);
  return [h, w];
}

const applicants = (h, w) => [{ name: h.name, idNumber: h.subject }, { name: w.name, idNumber: w.subject }];

// applyForMarriage submits a marriage application by h and returns its state.
export function applyForMarriage(h, w) {
  return api('POST', '/v1/cases', h.token, {
    procedure: 'marriage-registration', office: OFFICE,
    form: { applicants: applicants(h, w), declaration: { noSpouse: true, noProhibitedKinship: true, signedByBoth: true } },
  }, 201);
}

// act takes an action on a case through the API.
export const act = (token, caseId, action, extra = {}) =>
  api('POST', `/v1/cases/${caseId}/actions`, token, { action, ...extra }, 200);

// marry takes a couple through marriage registration.
export async function marry(h, w) {
  const st = await applyForMarriage(h, w);
  return act(tokenFor(people.registrar), st.caseId, 'register');
}

// applyForDivorce submits a divorce by agreement by w.
export function applyForDivorce(h, w) {
  return api('POST', '/v1/cases', w.token, {
    procedure: 'divorce-registration', office: OFFICE,
    form: {
      applicants: applicants(h, w),
      agreement: { willToDivorce: true, children: '无子女', property: '各自名下财产归各自所有', debts: '无共同债务' },
      fullCivilCapacity: true,
    },
  }, 201);
}

// getCase reads a case as token's holder.
export const getCase = (token, caseId) => api('GET', `/v1/cases/${caseId}`, token, undefined, 200);

let orgSeq = 0;

// socialGroupForm is the application of a photographers' association founded by f.
export function socialGroupForm(f, domicile = '朝阳路1号') {
  orgSeq++;
  return {
    applicants: [{ name: f.name, idNumber: f.subject }],
    organization: {
      name: `北京市朝阳区第${orgSeq}号摄影家协会`, category: 'other', field: `测试领域${orgSeq}号`, scope: '交流、培训、咨询',
      domicile, legalRepresentative: { name: f.name, idNumber: f.subject },
    },
    sponsoringUnit: { name: '朝阳区文化和旅游局', consented: true, document: '朝文旅〔2026〕1号' },
    funds: { amount: 30000 },
    members: { individuals: 60, units: 0 },
  };
}

// applySocialGroup submits a social group's registration by its founder f;
// the state answered carries the form sent as submittedForm.
export async function applySocialGroup(f, domicile) {
  const form = socialGroupForm(f, domicile);
  const st = await api('POST', '/v1/cases', f.token, { procedure: 'social-group-registration', office: OFFICE, form }, 201);
  return { ...st, submittedForm: form };
}
