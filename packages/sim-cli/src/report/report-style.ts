/**
 * The report's style sheet, inlined into the page (the report is one file that works
 * offline). Colours tell node kinds apart in the pictures and mark drops and failures in red.
 */
export const reportStyle = `
:root { --ink: #1d2630; --muted: #5b6773; --line: #c9d1d9; --bad: #c62828; --good: #2e7d32; --bg: #ffffff; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); }
h1 { margin: 0 0 4px; font-size: 24px; }
h2 { margin: 32px 0 8px; font-size: 19px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { margin: 20px 0 6px; font-size: 15px; }
p.description { margin: 4px 0 12px; color: var(--muted); max-width: 80em; white-space: pre-line; }
nav a { margin-right: 14px; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 14px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.verdict { display: inline-block; padding: 4px 10px; border-radius: 4px; font-weight: 600; }
.verdict.met { background: #e8f5e9; color: var(--good); }
.verdict.not-met { background: #ffebee; color: var(--bad); }
.verdict.none { background: var(--panel); color: var(--muted); }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
td.bad, span.bad { color: var(--bad); font-weight: 600; }
td.good, span.good { color: var(--good); font-weight: 600; }
.mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.empty { color: var(--muted); font-style: italic; }
.figure { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: var(--bg); margin: 6px 0; }
svg text { font-family: system-ui, "DejaVu Sans", sans-serif; }
svg.topology path.link { fill: none; stroke: #5f6f7e; stroke-width: 1.6; }
svg.topology path.config { fill: none; stroke: #8d6e63; stroke-width: 1.2; stroke-dasharray: 5 3; }
svg.topology marker path { fill: #8d6e63; }
svg.topology .lb rect { fill: #faf6f0; stroke: #8d6e63; stroke-width: 1.2; stroke-dasharray: 6 3; }
svg.topology .lb-title { font-size: 12px; font-weight: 600; fill: #5d4037; text-anchor: start; }
svg .frontend rect { fill: #fce4ec; stroke: #ad1457; }
svg .rule rect, svg .nat-rule rect, svg .outbound-rule rect { fill: #ede7f6; stroke: #4527a0; }
svg .pool rect { fill: #e0f2f1; stroke: #00695c; }
svg .probe rect { fill: #e1f5fe; stroke: #0277bd; }
svg .nsg rect { fill: #efebe9; stroke: #4e342e; }
svg.topology .node.failed rect { fill: #ffebee; stroke: var(--bad); stroke-width: 2.5; stroke-dasharray: 4 2; }
svg.topology .failure { font-size: 10.5px; font-weight: 700; fill: var(--bad); }
svg.topology .node rect, svg.sequence .lane rect { stroke-width: 1.5; }
svg .client rect { fill: #e3f2fd; stroke: #1565c0; }
svg .router rect { fill: #f3e5f5; stroke: #6a1b9a; }
svg .mux rect { fill: #fff3e0; stroke: #e65100; }
svg .host rect { fill: #e8f5e9; stroke: #2e7d32; }
svg .guest rect { fill: #fffde7; stroke: #9e9d24; }
svg .other rect { fill: #eceff1; stroke: #546e7a; }
svg.topology .node text, svg.sequence .lane text { text-anchor: middle; }
svg .name, svg .lane-name { font-size: 12px; font-weight: 600; fill: var(--ink); }
svg .address, svg .lane-kind { font-size: 10.5px; fill: var(--muted); }
svg.sequence .lane.failed rect { fill: #ffebee; stroke: var(--bad); stroke-width: 2; stroke-dasharray: 4 2; }
svg.sequence .lane.failed .lane-kind { fill: var(--bad); font-weight: 700; }
svg.sequence .lifeline { stroke: #9aa7b4; stroke-dasharray: 4 3; }
svg.sequence .message line { stroke: #37474f; stroke-width: 1.3; }
svg.sequence marker path { fill: #37474f; }
svg.sequence .label { font-size: 11px; text-anchor: middle; fill: var(--ink); paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg.sequence .time { font-size: 10.5px; fill: var(--muted); font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
svg.sequence .message.failing line { stroke: var(--bad); stroke-width: 1.8; }
svg.sequence .message.failing .label { fill: var(--bad); font-weight: 700; }
svg.sequence marker.failing path { fill: var(--bad); }
svg.sequence .elided rect { fill: #eceff1; stroke: #b0bec5; stroke-dasharray: 3 3; }
svg.sequence .elided text { font-size: 11px; font-style: italic; fill: var(--muted); text-anchor: middle; }
svg.sequence .drop-label.end { text-anchor: end; }
svg.sequence .drop path { stroke: var(--bad); stroke-width: 2.5; }
svg.sequence .drop-label { font-size: 11px; font-weight: 700; fill: var(--bad); paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .state.up { fill: #66bb6a; }
svg .state.down { fill: #e57373; }
svg .state.unknown { fill: #cfd8dc; }
.legend .swatch { display: inline-block; width: 0.9em; height: 0.9em; vertical-align: middle; margin-left: 0.8em; }
.legend .swatch.up { background: #66bb6a; }
.legend .swatch.down { background: #e57373; }
.legend .swatch.unknown { background: #cfd8dc; }
table.probe-changes tr.down td:nth-child(4) { color: #c62828; font-weight: 600; }
svg .dip, svg .axis, svg .chart-title { font-size: 11px; fill: var(--muted); }
svg .axis.end { text-anchor: end; }
svg.snat-chart .used { fill: none; stroke: #1565c0; stroke-width: 1.5; }
svg.snat-chart .allocated { fill: none; stroke: #e65100; stroke-width: 1.5; stroke-dasharray: 5 3; }
svg.snat-chart .axis-line { stroke: var(--line); }
svg.snat-chart .limit { stroke: #546e7a; stroke-width: 1; stroke-dasharray: 1 3; }
svg.snat-chart .failure { stroke: var(--bad); stroke-width: 2; }
tr.drop td, tr.failing td { color: var(--bad); }
tr.elided td { color: var(--muted); font-style: italic; text-align: center; background: var(--panel); }
td.name, th { white-space: nowrap; }
details { margin: 6px 0 12px; }
details > summary { cursor: pointer; color: var(--muted); font-weight: 600; margin: 4px 0; }
p.table-caption { margin: 8px 0 0; color: var(--muted); font-weight: 600; }
p.elided-note { color: var(--muted); max-width: 80em; }
dl.verdicts { display: grid; grid-template-columns: max-content auto; gap: 8px 14px; align-items: center; margin: 8px 0 12px; }
dl.verdicts dt { font-weight: 600; }
dl.verdicts dd { margin: 0; }
p.lead { font-size: 15px; font-weight: 600; }
p.lead.bad { color: var(--bad); }
.nowrap { white-space: nowrap; }
.hint { color: var(--muted); font-size: 12px; }
svg .tick line, svg .grid { stroke: #dfe4e8; }
svg .tick text { font-size: 10.5px; fill: var(--muted); text-anchor: middle; }
svg .event-marker line { stroke: #6a1b9a; stroke-width: 1.2; stroke-dasharray: 4 3; }
svg .event-marker text { font-size: 10.5px; fill: #6a1b9a; }
article.explanation { border-left: 3px solid var(--bad); padding: 0 12px; margin: 12px 0; max-width: 80em; }
article.explanation p, article.explanation ul { margin: 4px 0; }
p.why { max-width: 80em; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;
