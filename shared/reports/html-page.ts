import { escapeHtml as esc } from './escape';
import { REPORT_CSS } from './report-style';

/**
 * The frame of every page canary-judge writes: one self-contained file, inline CSS, no scripts, and a
 * Content-Security-Policy that loads nothing from elsewhere (inline SVG and data: images only).
 */
export function htmlPage(title: string, main: string, extraCss = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${REPORT_CSS}${extraCss}</style>
</head>
<body>
<main>
${main}
</main>
</body>
</html>
`;
}
