/** The run report's stylesheet, inlined so the page is one file with no external resources. */
export const REPORT_CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#111827;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:980px;margin:0 auto;padding:24px 16px 48px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:0 0 12px}
h3{font-size:15px;margin:0;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
section,.hero{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:18px 20px;margin:0 0 16px}
.hero{display:grid;grid-template-columns:auto 1fr auto;gap:20px;align-items:center;border-left:8px solid var(--verdict)}
.badge{background:var(--verdict);color:#fff;font-weight:700;letter-spacing:.06em;border-radius:8px;padding:10px 16px;font-size:20px;text-align:center}
.status{font-size:15px;color:#374151;margin:0}
.status strong{color:#111827}
.summary{margin:6px 0;font-size:16px;font-weight:600;color:#111827}
.recorded{margin:4px 0 0;color:#6b7280;font-size:12px;overflow-wrap:anywhere}
.reason{margin:6px 0 0;color:#111827}
.note{color:#6b7280;font-size:12px;margin:8px 0 0}
.score{text-align:right;white-space:nowrap}
.score .value{font-size:34px;font-weight:700;color:var(--verdict)}
.score .of{color:#6b7280}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px 20px;margin:0}
.facts div{min-width:0}
.facts dt{color:#6b7280;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.facts dd{margin:0;overflow-wrap:anywhere}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}
th{color:#6b7280;font-weight:600;font-size:12px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{white-space:nowrap}
.table-wrap{overflow-x:auto}
td.name strong{white-space:nowrap}
.row-reason{color:#4b5563;font-size:12px;margin-top:2px}
.pill{display:inline-block;border-radius:999px;padding:1px 9px;font-size:12px;font-weight:600;color:#fff;background:var(--c)}
.tag{display:inline-block;border:1px solid #d1d5db;border-radius:4px;padding:0 6px;font-size:11px;color:#374151;font-weight:600}
.tag.critical{border-color:#fca5a5;color:#991b1b;background:#fef2f2}
.metric{border-top:1px solid #e5e7eb;padding-top:14px;margin-top:14px}
.metric:first-of-type{border-top:0;margin-top:0;padding-top:0}
.metric .why{margin:4px 0 8px;color:#374151}
.metric .stats{color:#6b7280;font-size:12px;margin:0 0 8px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(400px,100%),1fr));gap:12px}
figure{margin:0}
figcaption{color:#6b7280;font-size:12px;margin-bottom:2px}
svg{max-width:100%;height:auto;display:block}
.warn{background:#fffbeb;border:1px solid #fcd34d;border-radius:6px;padding:6px 10px;color:#92400e}
.error{background:#fef2f2;border:1px solid #fca5a5;border-radius:6px;padding:8px 12px;color:#991b1b;overflow-wrap:anywhere}
details{border-top:1px solid #e5e7eb;padding:8px 0}
summary{cursor:pointer;font-weight:600}
.muted{color:#6b7280}
footer{color:#6b7280;font-size:12px;text-align:center}
@media (max-width:700px){.hero{grid-template-columns:1fr}.score{text-align:left}}
@media print{body{background:#fff}section,.hero{break-inside:avoid}}
`;
