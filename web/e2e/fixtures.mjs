// The people of the browser tests. Every run starts on a fresh data
// directory, so fixed names and ID numbers never collide between runs.

// residentId makes a valid 18-digit resident ID number (GB 11643): an odd
// 17th digit for a man, an even one for a woman, and the check digit.
export function residentId(division, birth, seq, male) {
  let s = String(seq % 100).padStart(2, '0');
  const last = male ? 1 + 2 * (seq % 5) : 2 * (seq % 5);
  const body = `${division}${birth.replaceAll('-', '')}${s}${last}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((a, d, i) => a + Number(d) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}

export const OFFICE = '110105'; // 北京市朝阳区

// Accounts made with `civilflow user add`; staff roles come from the
// directory entries seeded through the API, never from the account.
export const people = {
  admin: { username: 'e2e-admin', name: '赵管理', subject: 'adm-e2e-110000', roles: ['admin:110000'] },
  registrar: { username: 'e2e-registrar', name: '王登记', subject: 'reg-e2e-001', roles: [`registrar:${OFFICE}`] },
  supervisor: { username: 'e2e-supervisor', name: '孙监督', subject: 'sup-e2e-110000', roles: ['supervisor:110000'] },
  // Staff of another district: holds a role, but not here.
  outsider: { username: 'e2e-outsider', name: '周外区', subject: 'reg-e2e-310101', roles: ['registrar:310101'] },
  // Signs in through the identity provider only; no local account.
  oidcRegistrar: { name: '钱统一', subject: 'reg-e2e-oidc', roles: [`registrar:${OFFICE}`], noAccount: true },
  husband: { username: 'e2e-zhangwei', name: '张伟', subject: residentId(OFFICE, '1990-03-07', 11, true) },
  wife: { username: 'e2e-lina', name: '李娜', subject: residentId('410105', '1992-06-12', 12, false) },
  // A second couple, married through the API, whose divorce is withdrawn.
  husband2: { username: 'e2e-liuyang', name: '刘洋', subject: residentId(OFFICE, '1988-11-02', 21, true) },
  wife2: { username: 'e2e-chenjing', name: '陈静', subject: residentId(OFFICE, '1991-01-20', 22, false) },
  // Founder of a social group, who hands in a correction.
  founder: { username: 'e2e-huangmin', name: '黄敏', subject: residentId(OFFICE, '1975-05-05', 31, false) },
};

// Each account's password; long, since the server may refuse short ones.
export const password = (p) => `Pw-${p.username}-2026!`;
