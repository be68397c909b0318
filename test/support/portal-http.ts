/**
 * A portal's server-action forms driven over plain HTTP, the way a browser without JavaScript
 * posts them: the page renders the action's hidden fields ($ACTION_REF_…, $ACTION_KEY, …), we
 * send them back with our own fields as multipart/form-data, with the portal's Origin (Next
 * refuses a server action from another origin) and without following redirects, so a test sees
 * the 303 and its Location as they leave the server.
 */

const ENTITIES: Record<string, string> = { '&quot;': '"', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&#x27;': "'" };
const unescapeHtml = (text: string) => text.replace(/&quot;|&amp;|&lt;|&gt;|&#x27;/g, (e) => ENTITIES[e]!);

/**
 * The hidden fields (React's progressive-enhancement fields included) of the first form on the
 * page whose markup contains `containing` (any form when not given).
 */
export function hiddenFields(html: string, containing?: string): [string, string][] {
  const forms = [...html.matchAll(/<form[^>]*>([\s\S]*?)<\/form>/g)].map((m) => m[1]!);
  const form = forms.find((f) => containing === undefined || f.includes(containing));
  if (form === undefined) throw new Error(`no form${containing ? ` containing ${containing}` : ''} on the page`);
  return [...form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/>/g)].map((m) => [
    unescapeHtml(m[1]!),
    unescapeHtml(m[2] ?? ''),
  ]);
}

export interface FormPost {
  status: number;
  location: string | null;
  setCookies: string[];
  body: string;
}

/** GETs `path`, fills in `fields` on its form (see hiddenFields) and posts it back. */
export async function submitForm(
  baseUrl: string,
  path: string,
  fields: Record<string, string>,
  options: { cookie?: string; form?: string } = {},
): Promise<FormPost> {
  const headers: Record<string, string> = options.cookie ? { cookie: options.cookie } : {};
  const page = await fetch(`${baseUrl}${path}`, { headers, redirect: 'manual' });
  if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status}`);
  const form = new FormData();
  for (const [name, value] of hiddenFields(await page.text(), options.form)) form.append(name, value);
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
    headers: { ...headers, origin: baseUrl },
  });
  return {
    status: res.status,
    location: res.headers.get('location'),
    setCookies: res.headers.getSetCookie(),
    body: await res.text(),
  };
}

/** `name=value` of the named cookie among Set-Cookie headers, for a Cookie header. */
export function cookieFrom(setCookies: string[], name: string): string | undefined {
  const found = setCookies.find((c) => c.startsWith(`${name}=`));
  const pair = found?.split(';')[0];
  return pair && pair !== `${name}=` ? pair : undefined;
}
