import { escapeHtml } from '../escape';

/** Tiny SVG building blocks: attribute strings, rounded coordinates, the root element. */

export type Attrs = Record<string, string | number | undefined>;

/** One decimal is finer than a pixel and keeps the page small. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export function attrs(record: Attrs): string {
  return Object.entries(record)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? px(v) : escapeHtml(v as string)}"`)
    .join('');
}

export function el(name: string, record: Attrs, content?: string): string {
  return content === undefined ? `<${name}${attrs(record)}/>` : `<${name}${attrs(record)}>${content}</${name}>`;
}

export function text(x: number, y: number, content: string, record: Attrs = {}): string {
  return el('text', { x, y, ...record }, escapeHtml(content));
}

/** The root (inline in HTML, so no xmlns needed): fixed viewBox, scales down with the page; `title` is the accessible name. */
export function svgRoot(width: number, height: number, title: string, record: Attrs, body: string): string {
  return el(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-label': title,
      'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      'font-size': 11,
      ...record,
    },
    `${el('title', {}, escapeHtml(title))}${body}`,
  );
}

/** A path through the points; non-finite y values break the line instead of drawing to 0. */
export function linePath(points: readonly { x: number; y: number }[]): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${px(p.x)} ${px(p.y)}`;
    pen = true;
  }
  return d;
}
