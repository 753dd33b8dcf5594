#!/usr/bin/env bash
# Check that a `kpca compare` report renders in headless Chromium: load DIR/report.html offline,
# dump the DOM as Chromium built it, and require every plot figure to hold an <svg> with drawn marks
# (vega's <g class="mark-line|mark-symbol|mark-rule ..."> groups containing <path d="...">).
# Also writes a screenshot beside the report (report.png, or $2) for a human to look at.
#
#   scripts/check-report-html.sh DIR/report.html [screenshot.png]
#
# Needs Chromium (Debian: apt-get install -y chromium); exits 0 when the plots rendered, 1 when not,
# 2 on bad usage or when Chromium is missing.
set -euo pipefail

html="${1:?usage: $0 DIR/report.html [screenshot.png]}"
[ -f "$html" ] || { echo "check-report-html: no such file: $html" >&2; exit 2; }
shot="${2:-$(dirname "$html")/report.png}"
chromium_bin="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$chromium_bin" ] || { echo "check-report-html: chromium not found (apt-get install -y chromium, or set CHROMIUM)" >&2; exit 2; }

url="file://$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
profile="$(mktemp -d)"
dom="$(mktemp)"
trap 'rm -rf "$profile" "$dom"' EXIT
# No network, no first-run work, a throw-away profile: the page must render from the file alone.
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
  --disable-sync --no-first-run --user-data-dir="$profile" --hide-scrollbars)

timeout 120 "$chromium_bin" "${flags[@]}" --dump-dom "$url" > "$dom" 2>/dev/null
timeout 120 "$chromium_bin" "${flags[@]}" --window-size=1280,6000 --screenshot="$shot" "$url" >/dev/null 2>&1 || true

node - "$dom" "$shot" <<'JS'
const fs = require('fs');
const [dom, shot] = process.argv.slice(2);
const html = fs.readFileSync(dom, 'utf8');
const problems = [];
// Each plot is <figure class="plot" id=...><svg ...>...</svg><figcaption>
const figures = [...html.matchAll(/<figure[^>]*class="plot"[^>]*>([\s\S]*?)<\/figure>/g)];
if (figures.length === 0) problems.push('no plot figures in the rendered DOM');
for (const [whole, inner] of figures) {
  const id = (/id="([^"]+)"/.exec(whole) || [])[1] || '?';
  if (!/<svg[\s>]/.test(inner)) { problems.push(`${id}: no <svg>`); continue; }
  const markGroups = [...inner.matchAll(/<g[^>]*class="mark-(line|symbol|rule|area|rect)[^"]*"[^>]*>([\s\S]*?)<\/g>/g)];
  const drawn = markGroups.filter(([, , body]) => /<path[^>]*\sd="M/.test(body)).length;
  if (drawn === 0) problems.push(`${id}: the svg has no drawn marks`);
  else console.log(`${id}: svg with ${drawn} drawn mark group(s)`);
}
if (/<(script|link|img)[^>]+(src|href)="https?:/i.test(html)) problems.push('the page references a remote resource');
if (fs.existsSync(shot) && fs.statSync(shot).size > 0) console.log(`screenshot: ${shot}`);
else problems.push('no screenshot was written');
if (problems.length) { console.error(`check-report-html: FAILED\n  ${problems.join('\n  ')}`); process.exit(1); }
console.log(`check-report-html: ${figures.length} plots rendered`);
JS
