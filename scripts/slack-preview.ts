// npm run slack-preview -- [golden-dir...] [--out docs/]: a picture of the Slack webhook message.
// Reads the Block Kit JSON the notifier posts (test/golden/<scenario>/slack.json, made by renderSlack),
// renders the subset of Block Kit and mrkdwn that renderSlack uses into a self-contained HTML page styled
// like Slack's desktop client, and screenshots it with headless Chromium into <out>/slack-<status>.png.
// No dependencies: Chromium comes from the system (CHROMIUM=/path overrides /usr/bin/chromium).
// Every text from the JSON is HTML-escaped; nothing from it reaches the page as markup.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Mrkdwn, SlackBlock, SlackMessage } from '../lib/channels/slack/blockKit';

const DEFAULT_DIRS = [
  'test/golden/cloudtrail-mfa-delete-disabled',
  'test/golden/cloudtrail-mfa-delete-enabled',
  'test/golden/topic/digest',
  'test/golden/topic/alarm-alarm',
];
const WIDTH = 900;
const SCALE = 1;

/** HTML escaping for text and attribute values. */
const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Slack's three entities, decoded in one pass so that `&amp;lt;` stays the literal text `&lt;`. */
const decodeSlack = (s: string): string =>
  s.replace(/&(amp|lt|gt);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>' })[e]!);

/** The shortcodes our messages use (SEVERITY_EMOJI, warnings); unknown `:names:` stay as text. */
const EMOJI: Record<string, string> = {
  rotating_light: '\u{1F6A8}',
  red_circle: '\u{1F534}',
  large_orange_circle: '\u{1F7E0}',
  large_yellow_circle: '\u{1F7E1}',
  large_green_circle: '\u{1F7E2}',
  warning: '\u26A0\uFE0F',
  white_check_mark: '\u2705',
  no_entry: '\u26D4',
  grey_question: '\u2754',
};
const EMOJI_RE = new RegExp(`:(${Object.keys(EMOJI).join('|')}):`, 'g');

/** Plain (already decoded) text as HTML: escaped, with known emoji shortcodes replaced. */
const textHtml = (s: string, emoji = true): string => {
  const html = escapeHtml(s);
  return emoji
    ? html.replace(EMOJI_RE, (_m, name: string) => `<span class="emoji">${EMOJI[name]}</span>`)
    : html;
};

/** Only web links become hrefs; anything else is shown as text. */
const safeHref = (url: string): string | undefined => (/^(https?:|mailto:)/i.test(url) ? url : undefined);

// Emphasis opens after start/space/punctuation and closes before end/space/punctuation, as in Slack.
const EDGE_BEFORE = String.raw`(^|[\s([{"'“‘.,;:!?\-/·•])`;
const EDGE_AFTER = String.raw`(?=$|[\s)\]}"'”’.,;:!?\-/·])`;
const EMPHASIS: { re: RegExp; tag: string }[] = [
  { re: new RegExp(`${EDGE_BEFORE}\\*([^*\\n]*?[^\\s*])\\*${EDGE_AFTER}`), tag: 'b' },
  { re: new RegExp(`${EDGE_BEFORE}_([^_\\n]*?[^\\s_])_${EDGE_AFTER}`), tag: 'i' },
  { re: new RegExp(`${EDGE_BEFORE}~([^~\\n]*?[^\\s~])~${EDGE_AFTER}`), tag: 's' },
];

/** *bold*, _italic_ and ~strike~ in Slack-escaped text with no code or links left in it. */
function emphasis(raw: string): string {
  let first: { index: number; lead: string; inner: string; length: number; tag: string } | undefined;
  for (const { re, tag } of EMPHASIS) {
    const m = re.exec(raw);
    if (m && (!first || m.index < first.index))
      first = { index: m.index, lead: m[1]!, inner: m[2]!, length: m[0].length, tag };
  }
  if (!first) return textHtml(decodeSlack(raw));
  const before = raw.slice(0, first.index) + first.lead;
  const after = raw.slice(first.index + first.length);
  return `${emphasis(before)}<${first.tag}>${emphasis(first.inner)}</${first.tag}>${emphasis(after)}`;
}

/** Links (`<url|text>`, `<url>`) then emphasis. In Slack-escaped text a raw `<` only starts a link. */
function links(raw: string): string {
  let html = '';
  let last = 0;
  for (const m of raw.matchAll(/<([^<>|\s]+)(?:\|([^<>]*))?>/g)) {
    html += emphasis(raw.slice(last, m.index));
    const url = decodeSlack(m[1]!);
    const href = safeHref(url);
    const label = m[2] === undefined ? textHtml(url, false) : emphasis(m[2]);
    html += href ? `<a href="${escapeHtml(href)}">${label}</a>` : label;
    last = m.index + m[0].length;
  }
  return html + emphasis(raw.slice(last));
}

/** `inline code`: no formatting inside; never spans lines. */
function inline(raw: string): string {
  let html = '';
  let last = 0;
  for (const m of raw.matchAll(/`([^`\n]+)`/g)) {
    html += links(raw.slice(last, m.index));
    html += `<code>${textHtml(decodeSlack(m[1]!), false)}</code>`;
    last = m.index + m[0].length;
  }
  return html + links(raw.slice(last));
}

/** A mrkdwn text: ```code blocks``` first (literal inside), then inline formatting around them. */
function mrkdwn(raw: string): string {
  let html = '';
  let last = 0;
  for (const m of raw.matchAll(/```([\s\S]*?)```/g)) {
    // The newlines next to the fences belong to the block, not to the text around it.
    html += inline(raw.slice(last, m.index).replace(/\n$/, ''));
    const code = m[1]!.replace(/^\n/, '').replace(/\n$/, '');
    html += `<pre>${textHtml(decodeSlack(code), false)}</pre>`;
    last = m.index + m[0].length;
    if (raw[last] === '\n') last++;
  }
  return html + inline(raw.slice(last));
}

const mrkdwnBlock = (t: Mrkdwn, cls = 'mrkdwn') => `<div class="${cls}">${mrkdwn(t.text)}</div>`;

function block(b: SlackBlock): string {
  switch (b.type) {
    case 'header':
      return `<div class="header">${textHtml(b.text.text, b.text.emoji !== false)}</div>`;
    case 'section': {
      const fields = b.fields?.length
        ? `<div class="fields">${b.fields.map((f) => mrkdwnBlock(f, 'field')).join('')}</div>`
        : '';
      return `<div class="section">${mrkdwnBlock(b.text)}${fields}</div>`;
    }
    case 'actions':
      return `<div class="actions">${b.elements
        .map((e) => {
          const href = safeHref(e.url);
          const label = textHtml(e.text.text);
          return href
            ? `<a class="button" href="${escapeHtml(href)}">${label}</a>`
            : `<span class="button">${label}</span>`;
        })
        .join('')}</div>`;
    case 'context':
      return `<div class="context">${b.elements.map((e) => `<span>${mrkdwn(e.text)}</span>`).join('')}</div>`;
    case 'divider':
      return '<hr class="divider">';
    default:
      return `<div class="unsupported">${textHtml(`[unsupported block ${(b as { type: string }).type}]`)}</div>`;
  }
}

/** The time Slack would show next to the app name: the first ISO timestamp in the context line, in UTC. */
function postedAt(message: SlackMessage): string {
  for (const b of message.blocks)
    if (b.type === 'context')
      for (const e of b.elements) {
        const m = /\d{4}-\d\d-\d\dT(\d\d):(\d\d)/.exec(e.text);
        if (m) {
          const h = Number(m[1]);
          return `${h % 12 || 12}:${m[2]} ${h < 12 ? 'AM' : 'PM'}`;
        }
      }
  return '';
}

const AVATAR = `<svg viewBox="0 0 36 36" width="36" height="36" aria-hidden="true">
<rect width="36" height="36" rx="6" fill="#1f4e79"/>
<path d="M18 6 L28 10 V17 C28 23.5 23.8 28.3 18 30 C12.2 28.3 8 23.5 8 17 V10 Z" fill="#ffffff" opacity="0.95"/>
<rect x="13.5" y="16.5" width="9" height="7" rx="1.2" fill="#1f4e79"/>
<path d="M15.3 16.5 V14.3 A2.7 2.7 0 0 1 20.7 14.3 V16.5" fill="none" stroke="#1f4e79" stroke-width="1.8"/>
</svg>`;

const CSS = `
* { box-sizing: border-box; }
html, body { margin: 0; background: #ffffff; }
body { font-family: Lato, "Slack-Lato", "Helvetica Neue", Arial, sans-serif; font-size: 15px; line-height: 1.46668;
  color: #1d1c1d; -webkit-font-smoothing: antialiased; }
#msg { display: flex; gap: 8px; padding: 14px 20px 16px 20px; width: ${WIDTH}px; }
.avatar { flex: 0 0 36px; height: 36px; margin-top: 3px; }
.avatar svg { display: block; border-radius: 6px; }
.content { flex: 1 1 auto; min-width: 0; }
.meta { display: flex; align-items: baseline; gap: 4px; }
.name { font-weight: 900; }
.badge { font-size: 10px; font-weight: 700; line-height: 1.25; padding: 1px 3px; border-radius: 2px;
  background: rgba(29,28,29,0.13); color: rgba(29,28,29,0.7); position: relative; top: -1px; }
.time { font-size: 12px; color: #616061; margin-left: 4px; }
.header { font-size: 18px; font-weight: 900; line-height: 1.33; margin: 6px 0 4px; }
.section { margin: 4px 0 8px; }
.mrkdwn, .field { white-space: pre-wrap; overflow-wrap: anywhere; }
.fields { display: grid; grid-template-columns: 1fr 1fr; column-gap: 16px; row-gap: 8px; margin-top: 8px; }
b { font-weight: 900; }
a { color: #1264a3; text-decoration: none; }
code { font-family: Monaco, Menlo, Consolas, "DejaVu Sans Mono", "Courier New", monospace; font-size: 12px;
  line-height: 1.5; color: #e01e5a; background: rgba(29,28,29,0.04); border: 1px solid rgba(29,28,29,0.13);
  border-radius: 3px; padding: 2px 3px 1px; overflow-wrap: anywhere; }
pre { font-family: Monaco, Menlo, Consolas, "DejaVu Sans Mono", "Courier New", monospace; font-size: 12px;
  line-height: 1.50001; margin: 4px 0; padding: 8px; white-space: pre-wrap; overflow-wrap: anywhere;
  background: rgba(29,28,29,0.04); border: 1px solid rgba(29,28,29,0.13); border-radius: 4px; color: #1d1c1d; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 10px; }
.button { display: inline-flex; align-items: center; height: 28px; padding: 0 12px; font-size: 13px;
  font-weight: 700; color: #1264a3; background: #ffffff; border: 1px solid rgba(29,28,29,0.3); border-radius: 4px; }
.context { font-size: 12px; color: #616061; margin: 8px 0 0; display: flex; gap: 8px; flex-wrap: wrap; }
.context code { font-size: 11px; }
.divider { border: 0; border-top: 1px solid rgba(29,28,29,0.13); margin: 12px 0; }
.emoji { font-family: "Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji", sans-serif; }
.unsupported { color: #616061; font-style: italic; }
`;

/** The self-contained page: one message, no external resources. */
function renderPage(message: SlackMessage, title: string): string {
  const time = postedAt(message);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${textHtml(title, false)}</title>
<style>${CSS}</style></head>
<body><div id="msg">
<div class="avatar">${AVATAR}</div>
<div class="content">
<div class="meta"><span class="name">mfa-delete-guard</span><span class="badge">APP</span>${
    time ? `<span class="time">${textHtml(time)}</span>` : ''
  }</div>
${message.blocks.map(block).join('\n')}
</div></div>
<script>document.documentElement.dataset.height = String(Math.ceil(document.getElementById('msg').getBoundingClientRect().bottom));</script>
</body></html>
`;
}

function chromiumPath(): string | undefined {
  const candidates = [
    process.env.CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

function chromium(bin: string, args: string[]): string {
  const profile = mkdtempSync(join(tmpdir(), 'slack-preview-profile-'));
  try {
    return execFileSync(
      bin,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        '--hide-scrollbars',
        `--force-device-scale-factor=${SCALE}`,
        ...args,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Screenshot at exactly the message's height: a first pass measures it (--dump-dom), the second shoots. */
function screenshot(bin: string, htmlFile: string, png: string): void {
  const url = pathToFileURL(htmlFile).href;
  const dom = chromium(bin, [`--window-size=${WIDTH},4000`, '--dump-dom', url]);
  const measured = /data-height="(\d+)"/.exec(dom);
  const height = measured ? Number(measured[1]) : 2000;
  chromium(bin, [`--window-size=${WIDTH},${height}`, `--screenshot=${png}`, url]);
}

/** The alert status from the sibling default.json, for the file name; the directory name otherwise. */
function statusOf(dir: string): string {
  const file = join(dir, 'default.json');
  if (existsSync(file)) {
    const status = (JSON.parse(readFileSync(file, 'utf8')) as { status?: unknown }).status;
    if (typeof status === 'string' && /^[a-z0-9-]+$/.test(status)) return status;
  }
  return basename(resolve(dir));
}

function main(argv: string[]): number {
  let out = 'docs';
  const dirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--out') out = argv[++i] ?? out;
    else if (a.startsWith('--out=')) out = a.slice('--out='.length);
    else if (a === '-h' || a === '--help') {
      console.log('usage: tsx scripts/slack-preview.ts [golden-dir...] [--out docs/]');
      return 0;
    } else dirs.push(a);
  }
  if (!dirs.length) dirs.push(...DEFAULT_DIRS);

  const bin = chromiumPath();
  if (!bin)
    console.error('no Chromium found (apt-get install -y chromium, or set CHROMIUM=): writing HTML only');
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'slack-preview-'));
  const statuses = dirs.map(statusOf);
  for (const [i, dir] of dirs.entries()) {
    const message = JSON.parse(readFileSync(join(dir, 'slack.json'), 'utf8')) as SlackMessage;
    // slack-drift.png, unless two scenarios share a status: then each is named after its directory.
    const status = statuses[i]!;
    const unique = statuses.indexOf(status) === statuses.lastIndexOf(status);
    const name = `slack-${unique ? status : `${status}-${basename(resolve(dir))}`}`;
    const htmlFile = join(work, `${name}.html`);
    writeFileSync(htmlFile, renderPage(message, message.text));
    if (!bin) {
      console.log(htmlFile);
      continue;
    }
    const png = join(out, `${name}.png`);
    screenshot(bin, htmlFile, png);
    console.log(`${png} (${Math.round(statSync(png).size / 1024)} KB) from ${htmlFile}`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
