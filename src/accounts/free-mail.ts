// Email domains shared by unrelated people: a customer on one of these is never linked to an
// account by domain (two gmail.com customers are not the same company).

export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'ymail.com',
  'outlook.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.com',
  'mail.ru',
  'yandex.com',
  'yandex.ru',
  'zoho.com',
  'fastmail.com',
  'hey.com',
  'tutanota.com',
  'qq.com',
  '163.com',
  '126.com',
  'naver.com',
  'orange.fr',
  'free.fr',
  'laposte.net',
  'btinternet.com',
  'comcast.net',
  'verizon.net',
  'att.net',
  // reserved for documentation and tests (RFC 2606): not a company either
  'example.com',
  'example.org',
  'example.net',
]);

/** The lower-case domain of an email address, or null when there is none. */
export function emailDomain(email: string | null | undefined): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) return null;
  return (
    email
      .slice(at + 1)
      .trim()
      .toLowerCase() || null
  );
}

/** The domain a customer can be matched on: its email's, unless that is a free-mail domain. */
export function companyDomain(email: string | null | undefined): string | null {
  const domain = emailDomain(email);
  return domain && !FREE_MAIL_DOMAINS.has(domain) ? domain : null;
}

/** "https://www.Acme.com/about" → "acme.com": how an account's domain is stored and compared. */
export function normaliseDomain(input: string): string {
  return input
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[/?#].*$/, '');
}
