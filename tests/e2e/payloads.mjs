// Hostile payloads for the injection test: what an MIS page (or whoever typed into it) could
// put in any field of a card. Requests to /beacon/* or a dialog mean something executed or
// was rendered as markup. `kind` groups them for the report.
const long = (s, n) => s.repeat(Math.ceil(n / s.length)).slice(0, n);

export const PAYLOADS = [
  // HTML
  { kind: 'html', text: '<img src=/beacon/img onerror=alert(1)>' },
  { kind: 'html', text: '"><img src=/beacon/attr onerror=alert(2)>' },
  { kind: 'html', text: "'><iframe src=/beacon/iframe></iframe>" },
  { kind: 'html', text: '<b>жирный</b> <i>курсив</i> <u>Иванова</u>' },
  { kind: 'html', text: '<a href="/beacon/link">Позвонить</a>' },
  { kind: 'html', text: '<details open ontoggle=alert(3)><summary>x</summary></details>' },
  { kind: 'html', text: '<input autofocus onfocus=alert(4)>' },
  { kind: 'html', text: '<body onload=alert(5)>' },
  { kind: 'html', text: '<meta http-equiv="refresh" content="0;url=/beacon/meta">' },
  { kind: 'html', text: '<base href="/beacon/base/">' },
  { kind: 'html', text: '<form action=/beacon/form><button>Записать</button></form>' },
  { kind: 'html', text: '<template><img src=/beacon/template onerror=alert(6)></template>' },
  { kind: 'html', text: '<object data=/beacon/object></object><embed src=/beacon/embed>' },
  { kind: 'html', text: '<video><source onerror=alert(7)></video><audio src=/beacon/audio>' },
  { kind: 'html', text: '<!-- комментарий --> <![CDATA[x]]> ]]> -->' },
  { kind: 'html', text: '&lt;script&gt;alert(8)&lt;/script&gt; &amp;amp; &#60;b&#62;' },
  { kind: 'html', text: '<math><mtext><table><mglyph><style><img src=/beacon/mxss onerror=alert(9)>' },
  { kind: 'html', text: '<noscript><p title="</noscript><img src=/beacon/noscript onerror=alert(10)>">' },
  { kind: 'html', text: '<precall-overlay>fake overlay</precall-overlay><precall-fallback>' },
  { kind: 'html', text: '<slot name=x></slot><div slot=x>slot</div>' },
  // script
  { kind: 'script', text: '<script>alert(11)</script>' },
  { kind: 'script', text: '</textarea><script>alert(12)</script>' },
  { kind: 'script', text: '<script src=/beacon/script.js></script>' },
  { kind: 'script', text: '${alert(13)} {{constructor.constructor("alert(14)")()}} #{7*7}' },
  { kind: 'script', text: '"; alert(15); //' },
  { kind: 'script', text: '__proto__ constructor prototype toString' },
  // SVG
  { kind: 'svg', text: '<svg onload=alert(16)>' },
  { kind: 'svg', text: '<svg><script>alert(17)</script></svg>' },
  { kind: 'svg', text: '<svg><a href="javascript:alert(18)"><text>x</text></a></svg>' },
  { kind: 'svg', text: '<svg><image href=/beacon/svgimage /></svg>' },
  { kind: 'svg', text: '<svg><foreignObject><iframe src=/beacon/foreign></iframe></foreignObject></svg>' },
  // CSS
  { kind: 'css', text: '<style>*{display:none!important}</style>' },
  { kind: 'css', text: '<style>@import url(/beacon/import.css);</style>' },
  { kind: 'css', text: '<link rel=stylesheet href=/beacon/link.css>' },
  { kind: 'css', text: 'x" style="position:fixed;inset:0;background:url(/beacon/bg)' },
  { kind: 'css', text: 'expression(alert(19)) url(/beacon/url) } :host { display: none }' },
  // javascript: and other URLs
  { kind: 'url', text: 'javascript:alert(20)' },
  { kind: 'url', text: ' JaVaScRiPt:alert(21)' },
  { kind: 'url', text: 'java\tscript:alert(22)' },
  { kind: 'url', text: 'data:text/html,<script>alert(23)</script>' },
  { kind: 'url', text: 'vbscript:msgbox(24)' },
  { kind: 'url', text: 'https://evil.example/beacon?x=1' },
  { kind: 'url', text: '+7 916 123-45-67?text=evil&body=x#frag' },
  { kind: 'url', text: 'a@b.example?bcc=all@evil.example&body=x' },
  { kind: 'url', text: 'tel:+79161234567 sms:+7 viber://chat' },
  // bidi overrides
  { kind: 'bidi', text: '\u202EвонавИ\u202C не звонить' },
  { kind: 'bidi', text: 'Иванова \u202Dgnp.exe\u202C \u2066изол\u2069 \u2067rtl\u2069 \u2068fsi' },
  { kind: 'bidi', text: '\u200F\u200E\u061C\u202B\u202A\u202Eмама\u202C' },
  { kind: 'bidi', text: `${'\u202E'.repeat(200)}Записан` },
  // zero-width
  { kind: 'zero-width', text: 'И\u200Bв\u200Cа\u200Dн\u2060о\uFEFFва' },
  { kind: 'zero-width', text: '\u200B\u200B\u200B' },
  { kind: 'zero-width', text: 'не\u00ADзво\u034Fнить \u180E \u3164 \u115F' },
  // very long strings
  // (five times the longest value extraction keeps, in every field: a 2-3 MB card)
  { kind: 'long', text: long('А', 20_000) },
  { kind: 'long', text: long('Иванова ', 20_000) },
  { kind: 'long', text: long('<b>', 20_000) },
  { kind: 'long', text: `${long('x', 10_000)}\n${long('\u202E', 5_000)}` },
  // control and other odd characters
  { kind: 'control', text: 'a\u0000b\u0007c\u001B[31mred\u001B[0m\r\n\t\u000B\u000C' },
  { kind: 'control', text: 'Z̴̧̛̖̝̜͎̟̱̗̠̜̲̥͉̗̱̯͙̪̦̣̹̜̻̆̂̅͋̀̂̈́̌̆̓̊̓̈́̃͐̀̕͝a̸l̵g̶o̷' },
  { kind: 'control', text: '﷽﷽﷽ 𒐫𒐫𒐫 👨‍👩‍👧‍👦 \uFFFD \uFFFF \uDB40\uDC01' },
  { kind: 'control', text: '{patient.given} [{x}] %s%n%x \\u0000 \\' },
];
