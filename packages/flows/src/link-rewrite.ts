/** A link found in an e-mail body: its target and its label (`data-track` attribute, else its text). */
export interface MailLink {
  readonly url: string;
  readonly label: string;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#x27;': "'",
  '&#39;': "'",
  '&#x60;': '`',
  '&#x3D;': '=',
};
const decode = (text: string) =>
  text.replace(/&(?:amp|lt|gt|quot|#x27|#39|#x60|#x3D);/g, (e) => ENTITIES[e]!);
const escapeAttr = (text: string) =>
  text.replace(/[&<>"'`=]/g, (c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`);

const ANCHOR = /<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi;
const HREF = /\shref\s*=\s*(?:"([^"]*)"|'([^']*)')/i;
const TRACK = /\sdata-track\s*=\s*(?:"([^"]*)"|'([^']*)')/i;

/**
 * Rewrites the `href` of every `http(s)` link in an HTML body with `rewrite` (other schemes — mailto,
 * tel, anchors — stay as they are). Pure: the caller signs. The label is the anchor's `data-track`
 * attribute, else its text without tags, cut to 200 characters.
 * @example rewriteLinks('<a href="https://x.cn/p">Price</a>', (l) => `/api/public/t/${sign(l)}`)
 */
export function rewriteLinks(html: string, rewrite: (link: MailLink) => string): string {
  return html.replace(ANCHOR, (whole, attrs: string, inner: string) => {
    const href = HREF.exec(attrs);
    if (!href) return whole;
    const url = decode((href[1] ?? href[2] ?? '').trim());
    if (!/^https?:\/\//i.test(url)) return whole;
    const tracked = TRACK.exec(attrs);
    const label = decode(
      tracked
        ? (tracked[1] ?? tracked[2] ?? '')
        : inner
            .replace(/<[^>]*>/g, '')
            .replace(/\s+/g, ' ')
            .trim(),
    ).slice(0, 200);
    const next = attrs.replace(HREF, ` href="${escapeAttr(rewrite({ url, label }))}"`);
    return `<a${next}>${inner}</a>`;
  });
}
