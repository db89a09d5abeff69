/*
 * app.js: sou's search page.  Plain JavaScript, no dependencies.
 *
 * The page has three views, chosen by the URL so that reload, sharing, Back
 * and Forward all work:
 *   /                               home: the box and a few example questions
 *   /?q=…[&page=N][&sort=…][&from=YYYY-MM-DD][&to=YYYY-MM-DD]   results
 *   /?doc=<id>[&q=…]                one whole document, the query highlighted
 *
 * It talks to searchd's JSON API (searchd/search/search.h): GET /search and
 * GET /doc/<id>.  Safety rule: text from documents is never parsed as HTML.
 * Highlighted text is turned into DOM nodes by hand, either from the plain
 * text plus the server's character offsets, or from the server's escaped HTML
 * by splitting on the literal tags <mark> and </mark> and decoding the
 * entities of everything else into text nodes, so at most a <mark> element
 * can come out of a document, never any other element or attribute.
 *
 * Typing searches after a short pause; each request gets a sequence number and
 * the previous one is aborted, so a slow, stale answer can never replace a
 * newer one.
 */
'use strict';

(function () {
  const PAGE_SIZE = 10;
  const MAX_OFFSET = 10000;       /* searchd's limit on "offset" */
  const MAX_PAGE = MAX_OFFSET / PAGE_SIZE + 1;
  const DEBOUNCE_MS = 150;
  const BUSY_DELAY_MS = 200;      /* show the progress bar only for slow answers */
  const CACHE_SIZE = 30;

  const $ = (id) => document.getElementById(id);
  const ui = {
    body: document.body,
    form: $('search-form'), q: $('q'), clear: $('clear'), logo: $('logo'),
    tools: $('tools'), sort: $('sort'), range: $('range'), dates: $('dates'),
    from: $('date-from'), to: $('date-to'), datesError: $('dates-error'),
    main: $('main'), home: $('home'), homeStats: $('home-stats'), examples: $('examples'),
    examplesLine: $('examples-line'), suggestions: $('suggestions'),
    serp: $('serp'), status: $('status'), interp: $('interp'), message: $('message'),
    results: $('results'), pager: $('pager'), facets: $('facets'), activeFilters: $('active-filters'),
    doc: $('doc'), docBack: $('doc-back'), docMatches: $('doc-matches'),
    docMatchCount: $('doc-match-count'), docPrev: $('doc-prev'), docNext: $('doc-next'),
    docMessage: $('doc-message'), docTitle: $('doc-title'), docMeta: $('doc-meta'), docToc: $('doc-toc'), docRelated: $('doc-related'),
    docTocButton: $('doc-toc-button'),
    docBody: $('doc-body'), progress: $('progress'),
  };

  /* ---------- state and URLs ---------- */

  const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
  const SORTS = ['relevance', 'date', 'date_asc'];

  /* The page's state as read from a URL's query string.  A date that is
   * not one (from=2025-13-01) is kept as it is: searchd says what is wrong
   * with it and the page shows that next to the date fields. */
  function stateFromURL(search) {
    const p = new URLSearchParams(search);
    const page = parseInt(p.get('page') || '1', 10);
    const sort = p.get('sort') || 'relevance';
    const date = (k) => (p.get(k) || '').trim().slice(0, 32);
    const at = /^\d{1,9}$/.test(p.get('at') || '') ? Number(p.get('at')) : null;
    const filters = [];
    for (const f of p.getAll('filter'))
      if (/^[^:]+:.+$/.test(f) && !filters.includes(f) && filters.length < 32)
        filters.push(f);
    return {
      q: (p.get('q') || '').trim(),
      doc: p.get('doc') || '',
      at: p.get('doc') ? at : null,
      filters: filters,
      page: Number.isFinite(page) && page >= 1 ? Math.min(page, MAX_PAGE) : 1,
      sort: SORTS.includes(sort) ? sort : 'relevance',
      from: date('from'),
      to: date('to'),
    };
  }

  /* The URL (path and query) that shows state; defaults are left out. */
  function urlFor(s) {
    const p = new URLSearchParams();
    if (s.doc) p.set('doc', s.doc);
    if (s.q) p.set('q', s.q);
    if (s.doc && Number.isInteger(s.at)) p.set('at', String(s.at));
    if (!s.doc) {
      if (s.page > 1) p.set('page', String(s.page));
      if (s.sort !== 'relevance') p.set('sort', s.sort);
      if (s.from) p.set('from', s.from);
      if (s.to) p.set('to', s.to);
      for (const f of s.filters || [])
        p.append('filter', f);
    }
    const qs = p.toString();
    return qs ? '/?' + qs : '/';
  }

  /* The search options the controls hold now, with query q, page 1. */
  function stateFromControls(q) {
    return {
      q: q, doc: '', page: 1, sort: ui.sort.value, filters: (current.filters || []).slice(),
      from: DATE_RE.test(ui.from.value) ? ui.from.value : '',
      to: DATE_RE.test(ui.to.value) ? ui.to.value : '',
    };
  }

  function setControls(s) {
    ui.q.value = s.q;
    ui.clear.hidden = s.q === '';
    ui.sort.value = s.sort;
    ui.from.value = DATE_RE.test(s.from) ? s.from : '';
    ui.to.value = DATE_RE.test(s.to) ? s.to : '';
    ui.range.value = s.from || s.to ? 'custom' : '';
    ui.dates.hidden = !(s.from || s.to);
    setDateError(null);
  }

  /* A bad date from the URL cannot be shown in an <input type=date>: say
   * next to the fields what it was and what is wrong with it. */
  function setDateError(text) {
    ui.datesError.textContent = text || '';
    ui.datesError.hidden = !text;
    for (const input of [ui.from, ui.to])
      input.removeAttribute('aria-invalid');
  }

  /* ---------- history ---------- */

  let current = stateFromURL(location.search);
  /* True while the current history entry was made by typing: more typing
   * replaces it instead of piling up one entry per keystroke. */
  let typingEntry = false;

  /* Record state in the history.  mode: "push" (a new entry unless the URL is
   * unchanged), "type" (push once, then replace while typing goes on),
   * "replace", or "none". */
  function record(s, mode) {
    current = s;
    if (mode === 'none')
      return;
    const url = urlFor(s);
    const here = location.pathname + location.search;
    if (mode === 'type') {
      if (typingEntry) {
        history.replaceState({ sou: 1 }, '', url);
      } else {
        saveScroll();
        history.pushState({ sou: 1 }, '', url);
        typingEntry = true;
      }
      return;
    }
    if (mode === 'replace' || url === here || (mode === 'commit' && typingEntry)) {
      history.replaceState(Object.assign({}, history.state, { sou: 1 }), '', url);
    } else {
      saveScroll();
      history.pushState({ sou: 1 }, '', url);
    }
    typingEntry = false;
  }

  /* Remember where the reader was (scroll and the focused result) in the
   * entry being left, so Back returns to the same place. */
  function saveScroll() {
    const focused = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest('.result');
    history.replaceState(Object.assign({}, history.state, {
      sou: 1, scrollY: window.scrollY,
      focusId: focused ? focused.dataset.id : null,
    }), '', location.href);
  }

  /* ---------- safe highlighted text ---------- */

  const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

  function decodeEntities(s) {
    return s.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]+);/g, (all, e) => {
      if (e[0] === '#') {
        const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : '\ufffd';
      }
      return Object.prototype.hasOwnProperty.call(ENTITIES, e) ? ENTITIES[e] : all;
    });
  }

  /* Segments [{text, mark}] from the server's escaped HTML.  Only the exact
   * tags <mark> and </mark> are markup; everything else becomes text. */
  function segmentsFromHTML(html) {
    const segs = [];
    let marked = false;
    for (const part of String(html).split(/(<mark>|<\/mark>)/)) {
      if (part === '<mark>')
        marked = true;
      else if (part === '</mark>')
        marked = false;
      else if (part !== '')
        segs.push({ text: decodeEntities(part), mark: marked });
    }
    return segs;
  }

  /* Segments from plain text and [[start, end], ...] character (code point)
   * offsets, or null when the offsets do not fit the text. */
  function segmentsFromOffsets(text, spans) {
    if (typeof text !== 'string' || !Array.isArray(spans))
      return null;
    const chars = Array.from(text);
    const segs = [];
    let at = 0;
    for (const sp of spans) {
      if (!Array.isArray(sp) || sp.length < 2)
        return null;
      const [s, e] = sp;
      if (!Number.isInteger(s) || !Number.isInteger(e) || s < at || e <= s || e > chars.length)
        return null;
      if (s > at)
        segs.push({ text: chars.slice(at, s).join(''), mark: false });
      segs.push({ text: chars.slice(s, e).join(''), mark: true });
      at = e;
    }
    if (at < chars.length)
      segs.push({ text: chars.slice(at).join(''), mark: false });
    return segs;
  }

  const markedWords = (segs) => segs.filter((x) => x.mark).map((x) => x.text).join('\u0000');
  const plainText = (segs) => segs.map((x) => x.text).join('');

  /* The best rendering of one highlighted field: offsets when they agree with
   * the HTML (or there is no HTML), else the HTML, else the plain text. */
  function highlighted(text, spans, html) {
    const fromOffsets = segmentsFromOffsets(text, spans);
    if (html == null || html === '')
      return fromOffsets || [{ text: String(text == null ? '' : text), mark: false }];
    const fromHTML = segmentsFromHTML(html);
    if (fromOffsets && plainText(fromOffsets) === plainText(fromHTML) &&
        markedWords(fromOffsets) === markedWords(fromHTML))
      return fromOffsets;
    return fromHTML;
  }

  /* Append segments to parent as text nodes and <mark> elements. */
  function appendSegments(parent, segs) {
    for (const s of segs) {
      if (s.mark) {
        const m = document.createElement('mark');
        m.textContent = s.text;
        parent.appendChild(m);
      } else {
        parent.appendChild(document.createTextNode(s.text));
      }
    }
    return parent;
  }

  /* ---------- small DOM helpers ---------- */

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false)
        continue;
      if (k === 'class')
        e.className = v;
      else
        e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children) {
      if (c != null)
        e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  }

  function clear(node) {
    while (node.firstChild)
      node.removeChild(node.firstChild);
  }

  const fmtInt = (n) => Number(n).toLocaleString('zh-CN');

  function fmtMs(ms) {
    if (typeof ms !== 'number' || !Number.isFinite(ms))
      return '';
    return ms < 10 ? ms.toFixed(2) : String(Math.round(ms));
  }

  /* "2026-02-06 08:00:01" or "20260206..." → "2026-02-06"; other text as is. */
  function fmtDate(d) {
    if (typeof d !== 'string' || d === '')
      return '';
    let m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(d);
    return m ? `${m[1]}-${m[2]}-${m[3]}` : d;
  }

  /* Only http(s) URLs become links: a document must not get to choose a
   * javascript: or data: URL that runs when clicked. */
  function safeURL(u) {
    if (typeof u !== 'string')
      return null;
    try {
      const url = new URL(u);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
    } catch (e) {
      return null;
    }
  }

  /* example.com › a › b, for showing a URL compactly. */
  function prettyURL(url) {
    const parts = url.pathname.split('/').filter(Boolean).map((x) => {
      try { return decodeURIComponent(x); } catch (e) { return x; }
    });
    let s = url.host + (parts.length ? ' › ' + parts.join(' › ') : '');
    return s.length > 70 ? s.slice(0, 69) + '…' : s;
  }

  /* The fields shown under a title: the index's facets and the usual
   * ones, each value by its name (DLC is shown as 地方性法规). */
  function metaFields() {
    const keys = ['source', 'category', 'author'];
    for (const f of fieldInfo.facets)
      if (!keys.includes(f))
        keys.push(f);
    return keys;
  }

  /* The date, source and link line under a title. */
  function metaLine(d, withFullURL) {
    const meta = el('span', { class: 'meta-items' });
    const date = fmtDate(d.date);
    if (date)
      meta.appendChild(el('time', { class: 'date', datetime: DATE_RE.test(date) ? date : null }, date));
    for (const key of metaFields()) {
      if (typeof d[key] === 'string' && d[key] !== '')
        meta.appendChild(el('span', { class: 'field', 'data-field': key, title: fieldLabel(key) },
                            withFullURL ? `${fieldLabel(key)}：${valueLabel(key, d[key])}` : valueLabel(key, d[key])));
    }
    const url = safeURL(d.url);
    if (url) {
      meta.appendChild(el('a', { class: 'url', href: url.href, rel: 'noopener noreferrer nofollow',
                                 target: '_blank', title: url.href },
                          withFullURL ? url.href : prettyURL(url)));
    } else if (typeof d.url === 'string' && d.url !== '') {
      meta.appendChild(el('span', { class: 'url' }, d.url));
    }
    return meta;
  }

  /* ---------- views ---------- */

  let view = 'home';

  function showView(name) {
    ui.body.classList.remove('view-' + view);
    ui.body.classList.add('view-' + name);
    view = name;
    ui.home.hidden = name !== 'home';
    ui.serp.hidden = name !== 'serp';
    ui.doc.hidden = name !== 'doc';
    ui.tools.hidden = name !== 'serp';
  }

  let busyTimer = 0;
  function setBusy(on) {
    clearTimeout(busyTimer);
    if (on) {
      busyTimer = setTimeout(() => ui.body.classList.add('busy'), BUSY_DELAY_MS);
    } else {
      ui.body.classList.remove('busy');
    }
  }

  function showHome() {
    showView('home');
    document.title = '搜 · 中文全文搜索';
    loadStats();
    loadExamples();
  }

  let statsLoaded = false;
  async function loadStats() {
    if (statsLoaded)
      return;
    try {
      const r = await fetch('/stats', { headers: { Accept: 'application/json' } });
      const j = r.ok ? await r.json() : null;
      const n = j && (typeof j.documents === 'number' ? j.documents
                      : j.index && typeof j.index.documents === 'number' ? j.index.documents : null);
      if (typeof n === 'number') {
        ui.homeStats.textContent = `已收录 ${fmtInt(n)} 篇文章`;
        statsLoaded = true;
      }
    } catch (e) {
      /* the count is a nicety; searching reports an unreachable server */
    }
  }

  /* ---------- the index's fields: facets and names ---------- */

  /* Names for common field names when the index gives none (indexer --label). */
  const FIELD_NAMES = { category: '类别', source: '来源', author: '作者', department: '部门', region: '地区',
                        type: '类型', status: '状态', publisher: '发布机关' };
  let fieldInfo = { facets: [], labels: {}, values: {} };

  /* GET /fields once: which fields can be counted and filtered, and the
   * names to show for fields and their values. */
  async function loadFields() {
    try {
      const r = await fetch('/fields', { headers: { Accept: 'application/json' } });
      const j = r.ok ? await r.json() : null;
      if (j && Array.isArray(j.facets))
        fieldInfo = { facets: j.facets.filter((x) => typeof x === 'string'),
                      labels: j.labels && typeof j.labels === 'object' ? j.labels : {},
                      values: j.values && typeof j.values === 'object' ? j.values : {} };
    } catch (e) {
      /* an older searchd, or none: no facets; searching says what is wrong */
    }
  }
  const fieldsReady = loadFields();

  const own = (o, k) => o && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k);
  function fieldLabel(name) {
    return own(fieldInfo.labels, name) && typeof fieldInfo.labels[name] === 'string' ? fieldInfo.labels[name]
      : own(FIELD_NAMES, name) ? FIELD_NAMES[name] : name;
  }
  function valueLabel(field, value) {
    const v = own(fieldInfo.values, field) ? fieldInfo.values[field] : null;
    return own(v, value) && typeof v[value] === 'string' ? v[value] : value;
  }

  const FACET_SHOWN = 8;            /* values shown before 更多 */

  /* The facet column (a row of chips on a phone): each field's values with
   * their counts; a value toggles its filter, and the URL carries it. */
  function renderFacets(s, facets) {
    clear(ui.facets);
    clear(ui.activeFilters);
    const groups = facets && typeof facets === 'object' ? Object.entries(facets) : [];
    const chosen = s.filters || [];
    let shown = 0;
    for (const [field, values] of groups) {
      if (!Array.isArray(values) || values.length === 0)
        continue;
      const list = el('ul', { class: 'facet-values' });
      /* the chosen values first: on a phone's row of chips they stay in view */
      const sorted = values.filter((v) => v && chosen.includes(`${field}:${v.value}`))
        .concat(values.filter((v) => !(v && chosen.includes(`${field}:${v.value}`))));
      sorted.forEach((v, i) => {
        if (!v || typeof v.value !== 'string')
          return;
        const f = `${field}:${v.value}`;
        const on = chosen.includes(f);
        const next = on ? chosen.filter((x) => x !== f) : chosen.concat([f]);
        const a = el('a', { class: 'facet-value', href: urlFor(Object.assign({}, s, { filters: next, page: 1 })),
                            'data-filter': f, 'aria-pressed': on ? 'true' : 'false',
                            title: v.label || valueLabel(field, v.value) },
                     el('span', { class: 'facet-name' }, v.label || valueLabel(field, v.value)),
                     el('span', { class: 'facet-count' }, fmtInt(v.count)));
        list.appendChild(el('li', { class: i >= FACET_SHOWN && !on ? 'facet-more' : null }, a));
      });
      const group = el('section', { class: 'facet', 'data-field': field },
                       el('h2', { class: 'facet-title' }, fieldLabel(field)), list);
      if (values.length > FACET_SHOWN) {
        const more = el('button', { type: 'button', class: 'facet-toggle', 'aria-expanded': 'false' },
                        `更多（${values.length - FACET_SHOWN}）`);
        more.addEventListener('click', () => {
          const open = group.classList.toggle('open');
          more.setAttribute('aria-expanded', String(open));
          more.textContent = open ? '收起' : `更多（${values.length - FACET_SHOWN}）`;
        });
        group.appendChild(more);
      }
      ui.facets.appendChild(group);
      shown++;
    }
    ui.facets.hidden = shown === 0;
    ui.serp.classList.toggle('has-facets', shown > 0);
    /* the filters in force, each removable, above the results */
    for (const f of chosen) {
      const i = f.indexOf(':');
      const field = f.slice(0, i);
      const value = f.slice(i + 1);
      ui.activeFilters.appendChild(
        el('a', { class: 'filter-chip', href: urlFor(Object.assign({}, s, { filters: chosen.filter((x) => x !== f),
                                                                          page: 1 })),
                  'data-filter': f, title: '去掉这个筛选条件' },
           `${fieldLabel(field)}：${valueLabel(field, value)}`, el('span', { 'aria-hidden': 'true' }, ' ×'),
           el('span', { class: 'visually-hidden' }, '（去掉）')));
    }
    if (chosen.length > 1)
      ui.activeFilters.appendChild(el('a', { class: 'filter-clear', href: urlFor(Object.assign({}, s, { filters: [],
                                                                                                       page: 1 })),
                                             'data-filter': '' }, '清除全部'));
    ui.activeFilters.hidden = chosen.length === 0;
  }

  /* A message box: kind is "empty", "error" or "offline". */
  function messageBox(kind, title, lines, actions) {
    const box = el('div', { class: 'message-box ' + kind, role: kind === 'empty' ? null : 'alert' },
                   el('p', { class: 'message-title' }, title));
    for (const l of lines || [])
      box.appendChild(typeof l === 'string' ? el('p', {}, l) : l);
    if (actions && actions.length) {
      const row = el('p', { class: 'message-actions' });
      for (const [label, fn] of actions) {
        const b = el('button', { type: 'button' }, label);
        b.addEventListener('click', fn);
        row.appendChild(b);
      }
      box.appendChild(row);
    }
    return box;
  }

  function showMessage(container, box) {
    clear(container);
    container.appendChild(box);
    container.hidden = false;
  }

  /* ---------- errors, in Chinese ---------- */

  /* What is wrong with a date as typed ("2025-13", "2025-02-30", "昨天"),
   * in a few words; null when it is a real date. */
  function dateFault(text) {
    const t = String(text).normalize('NFKC').trim();
    const m = /^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$/.exec(t);
    if (!m)
      return '不是日期的写法';
    const y = Number(m[1]);
    const mo = m[2] === undefined ? null : Number(m[2]);
    const d = m[3] === undefined ? null : Number(m[3]);
    if (y < 1)
      return '年份不对';
    if (mo !== null && (mo < 1 || mo > 12))
      return `一年只有 12 个月，没有 ${mo} 月`;
    if (d !== null) {
      const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
      if (d < 1 || d > days)
        return `${y} 年 ${mo} 月只有 ${days} 天，没有 ${d} 日`;
    }
    return null;
  }

  /* The explanation of a bad date:… range ("date:2025-13", "date:2026..2025"). */
  function dateSpecFault(value) {
    const spec = String(value).normalize('NFKC').replace(/^\s*date:/i, '');
    const sides = spec.split('..');
    if (sides.length > 2 || (sides.length === 2 && sides[0] === '' && sides[1] === ''))
      return `“${spec}”不是日期范围的写法`;
    for (const side of sides) {
      const f = side === '' ? null : dateFault(side);
      if (f)
        return `“${side}”不是有效的日期：${f}`;
    }
    if (sides.length === 2)
      return `日期范围“${spec}”的开始晚于结束`;
    return `“${spec}”不是有效的日期`;
  }

  const DATE_HINT = '日期可以写成 date:2025-03-01、date:2025-03 或 date:2025，范围写成 date:2024..2025-06。';
  const DATE_PARAMS = { date_from: '起始日期', date_to: '结束日期' };

  /* The query with its faulty part [at, end) (characters) marked. */
  function queryWithFault(q, at) {
    const chars = Array.from(q);
    const [a, e] = at;
    return el('p', { class: 'query-echo' },
              chars.slice(0, a).join(''), el('mark', { class: 'fault' }, chars.slice(a, e).join('')),
              chars.slice(e).join(''));
  }

  /* Where in q the error lies: the server's "at", else the value found in q. */
  function faultRange(q, f) {
    const n = Array.from(q).length;
    if (Array.isArray(f.at) && f.at.length === 2 && Number.isInteger(f.at[0]) && Number.isInteger(f.at[1]) &&
        f.at[0] >= 0 && f.at[0] < f.at[1] && f.at[1] <= n)
      return f.at;
    if (typeof f.value === 'string' && f.value !== '') {
      const i = q.indexOf(f.value);
      if (i >= 0) {
        const a = Array.from(q.slice(0, i)).length;
        return [a, a + Array.from(f.value).length];
      }
    }
    return null;
  }

  /* A message box for a failed request: what went wrong in Chinese, the
   * wrong part of the query marked, and only buttons that can help: 重试
   * for an unreachable or failing server (5xx), edits for a bad request. */
  function failureBox(failure, retry, s) {
    if (failure.offline) {
      return messageBox('offline', '无法连接到搜索服务', [
        '页面没能连上 searchd：服务可能已停止，或网络断开了。',
        '请确认 searchd 正在运行，然后重试。',
      ], [['重试', retry]]);
    }
    const f = failure;
    const status = f.status || 0;
    const detail = el('p', { class: 'message-code' },
                      `HTTP ${status}${f.reason ? ' · ' + f.reason : ''}${f.message ? ' · ' + f.message : ''}`);
    if (status >= 500 || status === 0 || f.broken) {
      const title = f.reason === 'overloaded' ? '搜索服务正忙'
        : f.reason === 'shutting_down' ? '搜索服务正在重启'
        : f.reason === 'unavailable' ? '索引暂时不能使用' : '搜索服务出错了';
      const line = f.reason === 'overloaded' ? '同时来的请求太多了，请稍等片刻再试。'
        : f.reason === 'shutting_down' ? '请稍等片刻再试。'
        : f.reason === 'unavailable' ? '搜索服务暂时读不到索引（可能正在重建），请稍后重试。'
        : '这不是您的问题：服务器处理这个请求时出错了。';
      return messageBox('error', title, [line, detail], [['重试', retry]]);
    }
    if (status === 404 || f.reason === 'not_found')
      return messageBox('error', '找不到这篇文档', ['它可能已被删除，或者链接不完整。', detail], []);
    const q = s && typeof s.q === 'string' ? s.q : '';
    const lines = [];
    const actions = [];
    let title = '查询有误';
    if (DATE_PARAMS[f.param]) {
      const which = DATE_PARAMS[f.param];
      title = '日期有误';
      const why = f.reason === 'bad_date_range' ? '开始日期晚于结束日期'
        : `“${f.value}”不是有效的日期：${dateFault(f.value) || '请用 年-月-日 的写法'}`;
      lines.push(f.reason === 'bad_date_range' ? `日期范围有误：${why}。` : `${which}${why}。`);
      setDateError(f.reason === 'bad_date_range' ? '开始日期晚于结束日期' : `${which}“${f.value}”无效`);
      const input = f.param === 'date_to' ? ui.to : ui.from;
      input.setAttribute('aria-invalid', 'true');
      actions.push(['重新选择日期', () => { ui.range.value = 'custom'; ui.dates.hidden = false; input.focus(); }]);
      actions.push(['不限时间再搜', () => { setControls(Object.assign({}, s, { from: '', to: '' }));
                                        search(stateFromControls(s.q), 'push'); }]);
    } else if (f.param === 'q' || ['bad_date', 'bad_date_range', 'bad_syntax', 'empty_query', 'query_too_long',
                                   'nothing_searchable', 'bad_utf8'].includes(f.reason)) {
      const at = q ? faultRange(q, f) : null;
      const part = at ? Array.from(q).slice(at[0], at[1]).join('') : '';
      if (at)
        lines.push(queryWithFault(q, at));
      switch (f.reason) {
      case 'bad_date':
      case 'bad_date_range':
        title = '日期写得不对';
        lines.push(dateSpecFault(f.value || part) + '。', DATE_HINT);
        break;
      case 'bad_syntax':
        title = '查询写得不对';
        lines.push('“title:”后面要紧跟一个词，例如 title:医保。');
        break;
      case 'query_too_long':
        title = '问题太长了';
        lines.push('一次最多可以搜 1000 个字，请只留下最关键的部分。');
        break;
      case 'nothing_searchable':
        title = '没有可以搜索的文字';
        lines.push(part ? `“${part}”里只有标点或符号，没有可以搜索的字词。` : '查询里只有标点、符号或空格。');
        break;
      case 'empty_query':
        title = '请输入要搜索的内容';
        break;
      case 'bad_utf8':
        lines.push('查询里有无法识别的字符，请重新输入。');
        break;
      default:
        lines.push('查询里有搜索服务看不懂的部分。');
      }
      if (at) {
        const rest = (Array.from(q).slice(0, at[0]).join('') + ' ' + Array.from(q).slice(at[1]).join(''))
          .replace(/\s+/g, ' ').trim();
        actions.push(['修改', () => { ui.q.focus(); selectChars(ui.q, at[0], at[1]); }]);
        if (rest !== '')
          actions.push([`去掉“${part}”再搜`, () => { setControls(Object.assign({}, s, { q: rest }));
                                                  search(Object.assign({}, s, { q: rest, page: 1 }), 'push'); }]);
      }
    } else {
      lines.push('搜索服务不接受这个请求的参数。');
    }
    lines.push(detail);
    return messageBox('error', title, lines, actions);
  }

  /* Select characters [a, e) of an input's value (offsets in code points). */
  function selectChars(input, a, e) {
    const chars = Array.from(input.value);
    const units = (n) => chars.slice(0, n).join('').length;
    input.setSelectionRange(units(a), units(e));
  }

  /* ---------- talking to searchd ---------- */

  let seq = 0;
  let inflight = null;
  const cache = new Map();

  /* GET url as JSON.  Resolves to {ok, data} or {ok: false, failure}, or to
   * null when a newer request has started meanwhile (the answer is stale). */
  async function getJSON(url, useCache) {
    const my = ++seq;
    if (inflight)
      inflight.abort();
    const ctl = new AbortController();
    inflight = ctl;
    if (useCache && cache.has(url))
      return { ok: true, data: cache.get(url) };
    setBusy(true);
    try {
      let resp;
      try {
        resp = await fetch(url, { signal: ctl.signal, headers: { Accept: 'application/json' } });
      } catch (e) {
        if (my !== seq)
          return null;
        return { ok: false, failure: { offline: true } };
      }
      let data = null;
      try {
        data = await resp.json();
      } catch (e) {
        if (my !== seq)
          return null;
        return { ok: false, failure: { status: resp.status, broken: true,
                                       message: `the answer is not JSON (HTTP ${resp.status})` } };
      }
      if (my !== seq)
        return null;
      if (!resp.ok || (data && data.error)) {
        const err = data && data.error ? data.error : {};
        const str = (x) => (typeof x === 'string' ? x : '');
        return { ok: false, failure: { status: Number.isInteger(err.code) ? err.code : resp.status,
                                       reason: str(err.reason), message: str(err.message),
                                       param: str(err.param), value: str(err.value), at: err.at } };
      }
      cache.set(url, data);
      if (cache.size > CACHE_SIZE)
        cache.delete(cache.keys().next().value);
      return { ok: true, data: data };
    } finally {
      if (my === seq) {
        setBusy(false);
        inflight = null;
      }
    }
  }

  /* ---------- search results ---------- */

  /* Passages sized to the screen: about two lines on a phone (one passage),
   * three on a wider screen (two passages).  A CJK character is about one
   * em wide, so a line holds the column's width over the font size; the
   * count is rounded down to a multiple of 5 so that near widths share the
   * cache. */
  function snippetShape() {
    const width = ui.results.clientWidth || ui.serp.clientWidth || window.innerWidth;
    const px = parseFloat(getComputedStyle(ui.results).getPropertyValue('--snippet-size')) || 15;
    const perLine = Math.max(10, Math.floor(width / px));
    const phone = window.innerWidth <= 700;
    const passages = phone ? 1 : 2;
    const chars = Math.floor(((phone ? 2 : 3) * perLine - 3) / passages / 5) * 5;
    return { passages, chars: Math.min(1000, Math.max(10, chars)) };
  }

  function searchURL(s) {
    const p = new URLSearchParams();
    const shape = snippetShape();
    p.set('q', s.q);
    p.set('limit', String(PAGE_SIZE));
    p.set('offset', String((s.page - 1) * PAGE_SIZE));
    p.set('passages', String(shape.passages));
    p.set('passage_chars', String(shape.chars));
    if (s.sort !== 'relevance')
      p.set('sort', s.sort);
    if (s.from)
      p.set('date_from', s.from);
    if (s.to)
      p.set('date_to', s.to);
    for (const f of s.filters || [])
      p.append('filter', f);
    if (fieldInfo.facets.length)
      p.set('facets', fieldInfo.facets.join(','));
    return '/search?' + p.toString();
  }

  /* Show the results for s; mode is how to record it in the history (see
   * record()); opts.restore: scroll/focus saved in the entry, for Back. */
  async function search(s, mode, opts) {
    opts = opts || {};
    if (s.q === '') {
      record(s, mode);
      if (inflight) {
        inflight.abort();
        seq++;
        setBusy(false);
      }
      showHome();
      return;
    }
    record(s, mode);
    if (view !== 'serp') {
      /* coming from home or a document: clear old results before they show */
      clear(ui.results);
      delete ui.serp.dataset.q;
      delete ui.serp.dataset.url;
      ui.status.textContent = '';
      ui.interp.hidden = true;
      ui.message.hidden = true;
      ui.pager.hidden = true;
    }
    showView('serp');
    document.title = `${s.q} - 搜`;
    await fieldsReady;
    const answer = await getJSON(searchURL(s), opts.useCache);
    if (answer === null)
      return;
    if (!answer.ok) {
      renderFailure(s, answer.failure);
    } else {
      renderResults(s, answer.data);
    }
    if (opts.restore)
      restorePlace(opts.restore);
  }

  function renderFailure(s, failure) {
    clear(ui.results);
    renderFacets(s, null);
    ui.serp.dataset.q = s.q;
    ui.serp.dataset.url = urlFor(s);
    ui.pager.hidden = true;
    ui.interp.hidden = true;
    const box = failureBox(failure, () => search(current, 'none'), s);
    ui.status.textContent = box.querySelector('.message-title').textContent;
    showMessage(ui.message, box);
  }

  function renderInterpretation(query) {
    clear(ui.interp);
    const parts = [];
    const list = (key) => (query && Array.isArray(query[key]) ? query[key].filter((x) => typeof x === 'string') : []);
    const dropped = list('dropped');
    const excluded = list('excluded');
    const phrases = list('phrases');
    if (dropped.length)
      parts.push(['已忽略：', dropped.join('、')]);
    /* words of the question no document has (searchd's "missing"), struck
     * through as search pages do, and the synonyms searched too */
    const missing = list('missing');
    if (missing.length)
      parts.push(['缺少：', el('s', { class: 'missing' }, missing.join('、'))]);
    const syn = query && query.synonyms && typeof query.synonyms === 'object' && !Array.isArray(query.synonyms)
      ? Object.entries(query.synonyms).filter(([, v]) => Array.isArray(v) && v.length) : [];
    if (syn.length)
      parts.push(['同义词：', syn.map(([k, v]) => `${k}＝${v.filter((x) => typeof x === 'string').join('／')}`)
        .join('、')]);
    if (phrases.length)
      parts.push(['短语：', phrases.map((x) => `“${x}”`).join('、')]);
    if (excluded.length)
      parts.push(['已排除：', excluded.join('、')]);
    const df = query && typeof query.date_from === 'string' ? query.date_from : '';
    const dt = query && typeof query.date_to === 'string' ? query.date_to : '';
    if (df || dt)
      parts.push(['日期：', `${df ? fmtDate(df) : '最早'} 至 ${dt ? fmtDate(dt) : '现在'}`]);
    parts.forEach(([label, value], i) => {
      if (i > 0)
        ui.interp.appendChild(document.createTextNode('　'));
      ui.interp.appendChild(el('span', { class: 'interp-item' }, el('span', { class: 'interp-label' }, label), value));
    });
    ui.interp.hidden = parts.length === 0;
  }

  function renderResults(s, ans) {
    const hits = Array.isArray(ans.hits) ? ans.hits : [];
    const total = typeof ans.total === 'number' ? ans.total : hits.length;
    ui.message.hidden = true;
    clear(ui.results);
    ui.serp.dataset.q = s.q;       /* which query is on screen (tests wait on it) */
    ui.serp.dataset.url = urlFor(s);
    renderInterpretation(ans.query);
    renderFacets(s, ans.facets);

    const took = fmtMs(ans.took_ms);
    if (hits.length === 0) {
      ui.status.textContent = total > 0 ? `共 ${fmtInt(total)} 条结果，这一页没有了` : '没有找到结果';
      renderNoResults(s, total);
      ui.pager.hidden = total === 0;
      if (total > 0)
        renderPager(s, total, ans.exact !== false);
      return;
    }
    const first = (s.page - 1) * PAGE_SIZE + 1;
    let status = `找到${ans.exact === false ? '约' : ''} ${fmtInt(total)} 条结果`;
    if (took)
      status += `（用时 ${took} 毫秒）`;
    if (s.page > 1)
      status += `，第 ${fmtInt(first)}–${fmtInt(first + hits.length - 1)} 条`;
    ui.status.textContent = status;
    ui.results.setAttribute('start', String(first));
    hits.forEach((h) => ui.results.appendChild(renderHit(s, h)));
    renderPager(s, total, ans.exact !== false);
  }

  function renderNoResults(s, total) {
    const lines = [];
    const actions = [];
    if (total > 0) {
      lines.push('这一页已经超出结果的范围。');
      actions.push(['回到第一页', () => search(Object.assign({}, s, { page: 1 }), 'push')]);
    } else {
      lines.push(el('span', {}, '没有找到与“', el('strong', {}, s.q), '”相关的文章。'));
      const tips = el('ul', { class: 'tips' },
                      el('li', {}, '检查有没有错别字；'),
                      el('li', {}, '换一种说法，或者只留下最关键的两三个词；'),
                      el('li', {}, '去掉引号、“-”排除词或 title: 限定。'));
      lines.push(tips);
      if (s.from || s.to)
        actions.push(['不限时间再搜一次', () => { setControls(Object.assign({}, s, { from: '', to: '' }));
                                              search(stateFromControls(s.q), 'push'); }]);
      if (s.filters.length)
        actions.push(['去掉筛选条件再搜', () => search(Object.assign({}, s, { filters: [], page: 1 }), 'push')]);
    }
    showMessage(ui.message, messageBox('empty', total > 0 ? '没有更多结果了' : '没有找到结果', lines, actions));
  }

  /* The document view's URL; at: where the passage shown in the result
   * starts in the body (characters), so the view opens there. */
  function docHref(id, q, at) {
    return urlFor({ doc: id, q: q, at: Number.isInteger(at) && at >= 0 ? at : null,
                    page: 1, sort: 'relevance', from: '', to: '', filters: [] });
  }

  function renderHit(s, h) {
    const id = typeof h.id === 'string' ? h.id : String(h.id);
    const titleSegs = highlighted(h.title, h.title_highlights, h.title_html);
    if (plainText(titleSegs).trim() === '')
      titleSegs.splice(0, titleSegs.length, { text: '（无标题）', mark: false });
    const href = docHref(id, s.q, h.passage_offset);
    const link = el('a', { class: 'result-link', href: href, 'data-id': id });
    appendSegments(link, titleSegs);
    const snippetSegs = highlighted(h.snippet_text, h.highlights, h.snippet);
    const snippet = appendSegments(el('p', { class: 'snippet' }), snippetSegs);
    /* the title opens the document too; this is for mice, not a second tab stop */
    const meta = metaLine(h, false);
    meta.appendChild(el('a', { class: 'open-doc', href: href, tabindex: '-1',
                               'aria-hidden': 'true' }, '查看全文'));
    return el('li', { class: 'result', 'data-id': id },
              el('h2', { class: 'result-title' }, link),
              el('p', { class: 'meta' }, meta),
              snippet.childNodes.length ? snippet : null,
              similarList(s, h));
  }

  /* The near-copies searchd folded into this hit (other versions or copies
   * of the same text), behind a disclosure: 另有 N 篇相似. */
  function similarList(s, h) {
    const sim = Array.isArray(h.similar)
      ? h.similar.filter((x) => x && typeof x.id === 'string') : [];
    if (!sim.length)
      return null;
    const list = el('ul', { class: 'similar-list' });
    for (const x of sim) {
      const title = typeof x.title === 'string' && x.title.trim() ? x.title : '（无标题）';
      list.appendChild(el('li', null, el('a', { class: 'similar-link', href: docHref(x.id, s.q), 'data-id': x.id },
                                          title)));
    }
    return el('details', { class: 'similar' }, el('summary', null, `另有 ${sim.length} 篇相似`), list);
  }

  function renderPager(s, total, exact) {
    clear(ui.pager);
    const reachable = Math.min(total, MAX_OFFSET + PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(reachable / PAGE_SIZE));
    if (pages <= 1 && s.page <= 1) {
      ui.pager.hidden = true;
      return;
    }
    const go = (n, label, cls, attrs) => {
      const a = el('a', Object.assign({ class: cls || 'page', href: urlFor(Object.assign({}, s, { page: n })),
                                        'data-page': String(n) }, attrs || {}), label);
      return a;
    };
    if (s.page > 1)
      ui.pager.appendChild(go(s.page - 1, '‹ 上一页', 'page prev', { rel: 'prev' }));
    let lo = Math.max(1, s.page - 4);
    let hi = Math.min(pages, lo + 9);
    lo = Math.max(1, hi - 9);
    for (let n = lo; n <= hi; n++) {
      if (n === s.page)
        ui.pager.appendChild(el('span', { class: 'page current', 'aria-current': 'page' }, String(n)));
      else
        ui.pager.appendChild(go(n, String(n), 'page', { 'aria-label': `第 ${n} 页` }));
    }
    if (s.page < pages)
      ui.pager.appendChild(go(s.page + 1, '下一页 ›', 'page next', { rel: 'next' }));
    ui.pager.hidden = false;
  }

  /* Scroll and focus as they were when the reader left this entry. */
  function restorePlace(saved) {
    if (typeof saved.scrollY === 'number')
      window.scrollTo(0, saved.scrollY);
    if (saved.focusId) {
      for (const a of ui.results.querySelectorAll('.result-link')) {
        if (a.dataset.id === saved.focusId) {
          a.focus({ preventScroll: typeof saved.scrollY === 'number' });
          break;
        }
      }
    }
  }

  /* ---------- one document ---------- */

  let docMarks = [];
  let docMarkAt = -1;

  async function showDoc(s, mode, opts) {
    opts = opts || {};
    record(s, mode);
    showView('doc');
    ui.docBack.hidden = !s.q;
    ui.docBack.href = urlFor(Object.assign({}, s, { doc: '', at: null }));
    ui.docMessage.hidden = true;
    ui.docMatches.hidden = true;
    clear(ui.docTitle);
    clear(ui.docMeta);
    clear(ui.docBody);
    clear(ui.docToc);
    ui.docToc.hidden = true;
    clear(ui.docRelated);
    ui.docRelated.hidden = true;
    ui.doc.classList.remove('has-toc');
    delete ui.doc.dataset.id;
    docMarks = [];
    docMarkAt = -1;
    ui.docTitle.textContent = '正在打开…';
    let url = '/doc/' + encodeURIComponent(s.doc);
    if (s.q)
      url += '?q=' + encodeURIComponent(s.q);
    const answer = await getJSON(url, opts.useCache);
    if (answer === null)
      return;
    if (!answer.ok) {
      clear(ui.docTitle);
      showMessage(ui.docMessage, failureBox(answer.failure, () => showDoc(current, 'none'), s));
      document.title = '文档 - 搜';
      return;
    }
    renderDoc(s, answer.data);
    if (opts.restore && typeof opts.restore.scrollY === 'number')
      window.scrollTo(0, opts.restore.scrollY);
    else if (!(Number.isInteger(s.at) && openAt(s.at)))
      window.scrollTo(0, 0);
    if (opts.focus !== false)
      ui.docTitle.focus({ preventScroll: true });
  }

  function renderDoc(s, d) {
    ui.doc.dataset.id = s.doc;      /* which document is on screen */
    const title = typeof d.title === 'string' ? d.title : '';
    clear(ui.docTitle);
    appendSegments(ui.docTitle, highlighted(title, d.title_highlights, d.title_html));
    if (title.trim() === '')
      ui.docTitle.textContent = '（无标题）';
    document.title = `${title || d.id} - 搜`;
    ui.docMeta.appendChild(metaLine(d, true));
    const body = typeof d.body === 'string' ? d.body : '';
    const toc = renderBody(ui.docBody, highlighted(body, d.body_highlights, d.body_html));
    renderToc(toc);
    renderRelated(s, d.related);
    docMarks = Array.from(ui.doc.querySelectorAll('.doc-title mark, .doc-body mark'));
    if (s.q) {
      ui.docMatchCount.textContent = docMarks.length ? `${docMarks.length} 处匹配` : '正文中没有匹配';
      ui.docPrev.hidden = ui.docNext.hidden = docMarks.length === 0;
      ui.docMatches.hidden = false;
    }
  }

  /* The articles most like this one, under it (searchd's "related"). */
  function renderRelated(s, related) {
    clear(ui.docRelated);
    const list = Array.isArray(related) ? related.filter((r) => r && typeof r.id === 'string') : [];
    ui.docRelated.hidden = list.length === 0;
    if (list.length === 0)
      return;
    const ul = el('ul', { class: 'related-list' });
    for (const r of list) {
      const title = typeof r.title === 'string' && r.title.trim() !== '' ? r.title : '（无标题）';
      ul.appendChild(el('li', {}, el('a', { class: 'related-link', href: docHref(r.id, s.q) }, title)));
    }
    ui.docRelated.append(el('h2', { class: 'related-title', id: 'related-title' }, '相关文章'), ul);
  }

  /* Open the document at character offset at of its body: the paragraph
   * holding it is marked as the passage, the first match from there on
   * becomes the current one (上一处/下一处 and n/N go on from it) and is
   * scrolled to the middle of the screen.  False if the body is empty or
   * shorter than at. */
  function openAt(at) {
    const blocks = Array.from(ui.docBody.querySelectorAll('[data-at]'));
    const last = blocks[blocks.length - 1];
    if (blocks.length === 0 || at > Number(last.dataset.at) + Array.from(last.textContent).length)
      return false;          /* no such place in this body (an edited link, a re-indexed article) */
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {               /* the last block starting at or before at */
      const mid = (lo + hi + 1) >> 1;
      if (Number(blocks[mid].dataset.at) <= at)
        lo = mid;
      else
        hi = mid - 1;
    }
    const block = blocks[lo];
    block.classList.add('passage');
    /* the contents entry of the section the passage is in */
    let here = null;
    for (const link of ui.docToc.querySelectorAll('.toc-link')) {
      const h = document.getElementById(link.dataset.target);
      if (h && Number(h.dataset.at) <= Number(block.dataset.at))
        here = link;
    }
    if (here) {
      here.setAttribute('aria-current', 'location');
      here.scrollIntoView({ block: 'nearest', behavior: 'instant' });
    }
    const i = docMarks.findIndex((m) => m.dataset.at !== undefined && Number(m.dataset.at) >= at);
    const target = i >= 0 && block.contains(docMarks[i]) ? docMarks[i] : block;
    if (target !== block) {
      docMarkAt = i;
      target.classList.add('current');
      showMatchCount(i);
    }
    target.scrollIntoView({ block: 'center', behavior: 'instant' });
    return true;
  }

  /* Move to the next (+1) or previous (-1) highlight in the document. */
  function stepMark(dir) {
    if (docMarks.length === 0)
      return;
    if (docMarkAt >= 0)
      docMarks[docMarkAt].classList.remove('current');
    docMarkAt = (docMarkAt + dir + docMarks.length) % docMarks.length;
    const m = docMarks[docMarkAt];
    m.classList.add('current');
    m.scrollIntoView({ block: 'center', behavior: 'smooth' });
    showMatchCount(docMarkAt);
  }

  /* "第 3 / 18 处匹配" (on a phone just "3 / 18"). */
  function showMatchCount(i) {
    clear(ui.docMatchCount);
    ui.docMatchCount.append(el('span', { class: 'wide-only' }, '第 '), `${i + 1} / ${docMarks.length}`,
                            el('span', { class: 'wide-only' }, ' 处匹配'));
  }

  /* ---------- a document's body: lines, headings, articles ---------- */

  /* Laws are written as 第一编 … 第一章 … 第一节 … 第一条 …: a heading is a
   * short line starting 第<number>编/分编/章/节 (with its title after), an
   * article a line starting 第<number>条 (or 第…条之一) and a space. */
  const NUM = '[一二三四五六七八九十百千零〇两0-9０-９]+';
  const HEADING_RE = new RegExp(`^[\\s\u3000]*(第${NUM}(分编|编|章|节))(?:[\\s\u3000]+(.*)|)$`);
  const ARTICLE_RE = new RegExp(`^([\\s\u3000]*)(第${NUM}条(?:之${NUM})?)(?=[\\s\u3000])`);
  const RANK = { 编: 1, 分编: 2, 章: 3, 节: 4 };

  function lineKind(text) {
    const h = HEADING_RE.exec(text);
    if (h && Array.from(text.trim()).length <= 40 && !/[。；;，,]/.test(h[3] || ''))
      return { kind: 'heading', rank: RANK[h[2]], number: h[1], title: (h[3] || '').trim() };
    const a = ARTICLE_RE.exec(text);
    if (a)
      return { kind: 'article', start: Array.from(a[1]).length, number: a[2] };
    return { kind: 'text' };
  }

  /* The body's lines: [{segs, text, at}], at = the offset of the line's
   * first character in the body (code points, as searchd counts). */
  function splitLines(segs) {
    const lines = [];
    let pos = 0;
    let line = { segs: [], text: '', at: 0 };
    for (const sg of segs) {
      sg.text.split('\n').forEach((part, i) => {
        if (i > 0) {
          lines.push(line);
          pos += 1;
          line = { segs: [], text: '', at: pos };
        }
        if (part !== '') {
          line.segs.push({ text: part, mark: sg.mark });
          line.text += part;
          pos += Array.from(part).length;
        }
      });
    }
    lines.push(line);
    return lines;
  }

  /* Append a line's segments to parent; the characters [a, b) go into a
   * <strong class=cls> (an article's or a heading's number); every <mark>
   * records its offset in the body (data-at). */
  function appendLine(parent, line, a, b, cls) {
    let pos = 0;
    let box = null;
    for (const sg of line.segs) {
      const chars = Array.from(sg.text);
      let k = 0;
      while (k < chars.length) {
        const inNumber = pos + k >= a && pos + k < b;
        const stop = inNumber ? b - pos : pos + k < a ? a - pos : chars.length;
        const piece = chars.slice(k, Math.min(stop, chars.length)).join('');
        let into = parent;
        if (inNumber) {
          if (!box)
            box = parent.appendChild(el('strong', { class: cls }));
          into = box;
        }
        if (sg.mark) {
          const m = into.appendChild(el('mark', {}, piece));
          m.dataset.at = String(line.at + pos + k);
        } else {
          into.appendChild(document.createTextNode(piece));
        }
        k += Array.from(piece).length;
      }
      pos += chars.length;
    }
  }

  /* Render the body into parent: a <p> a line, headings as <h2>-<h5>, the
   * article numbers styled; a law's own 目录 block stays plain text.
   * Returns the table of contents [{el, rank, number, title, first, last}]. */
  function renderBody(parent, segs) {
    const lines = splitLines(segs);
    const kinds = lines.map((l) => lineKind(l.text));
    const ranks = Array.from(new Set(kinds.filter((k) => k.kind === 'heading').map((k) => k.rank))).sort();
    const toc = [];
    const articles = [];
    const open = [];                /* the headings the current article is under */
    let ownToc = false;
    let ownTocSeen = null;          /* the headings listed in that block */
    const frag = document.createDocumentFragment();
    lines.forEach((line, i) => {
      const text = line.text.trim();
      if (text === '')
        return;
      const k = kinds[i];
      /* A law's own 目录 lists its headings; it ends at the first line that
       * is not one, or at a heading it already listed (the text begins). */
      const key = text.replace(/[\s\u3000]+/g, ' ');
      if (/^目[\s\u3000]*录$/.test(text)) {
        ownToc = true;
        ownTocSeen = new Set();
      } else if (ownToc && (k.kind !== 'heading' || ownTocSeen.has(key))) {
        ownToc = false;
      } else if (ownToc) {
        ownTocSeen.add(key);
      }
      let node;
      if (k.kind === 'heading' && !ownToc) {
        const level = Math.min(5, 2 + ranks.indexOf(k.rank));
        node = el('h' + level, { class: 'doc-heading', id: `sec-${toc.length + 1}` });
        appendLine(node, line, 0, Array.from(line.text).indexOf('第') + Array.from(k.number).length, 'sec-no');
        while (open.length && open[open.length - 1].rank >= k.rank)
          open.pop();
        const entry = { el: node, rank: k.rank, number: k.number, title: k.title, first: '', last: '' };
        toc.push(entry);
        open.push(entry);
      } else if (k.kind === 'article' && !ownToc) {
        node = el('p', { class: 'article', id: `art-${articles.length + 1}` });
        appendLine(node, line, k.start, k.start + Array.from(k.number).length, 'art-no');
        articles.push({ el: node, number: k.number, text: text });
        for (const h of open) {
          h.first = h.first || k.number;
          h.last = k.number;
        }
      } else {
        node = el('p', { class: ownToc ? 'own-toc' : null });
        appendLine(node, line, 0, 0, null);
      }
      node.dataset.at = String(line.at);
      frag.appendChild(node);
    });
    parent.appendChild(frag);
    if (toc.length >= 2)
      return toc;
    /* no chapters: a short regulation's articles make the contents */
    if (articles.length >= 5 && articles.length <= 200)
      return articles.map((a) => ({ el: a.el, rank: 9, number: a.number,
                                    title: Array.from(a.text.slice(a.text.indexOf(a.number) + a.number.length).trim())
                                      .slice(0, 14).join('') + '…', first: '', last: '' }));
    return [];
  }

  /* 第一百零一条之一 -> {n: 101, rest: '之一'}; null when it does not parse. */
  function articleNumber(label) {
    const m = /^第(.+?)条(.*)$/.exec(label);
    if (!m)
      return null;
    const t = m[1].normalize('NFKC');
    if (/^\d+$/.test(t))
      return { n: Number(t), rest: m[2] };
    const digit = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
    const unit = { 十: 10, 百: 100, 千: 1000 };
    let total = 0;
    let num = 0;
    for (const ch of t) {
      if (ch in digit)
        num = digit[ch];
      else if (ch in unit) {
        total += (num || 1) * unit[ch];
        num = 0;
      } else
        return null;
    }
    return { n: total + num, rest: m[2] };
  }

  /* "第十三条–第三十一条" as "第13–31条" (digits are easier to scan). */
  function articleRange(first, last) {
    const a = articleNumber(first);
    const b = articleNumber(last);
    if (!a || !b)
      return first === last ? first : `${first}–${last}`;
    if (first === last)
      return `第${a.n}条${a.rest}`;
    if (!a.rest && !b.rest)
      return `第${a.n}–${b.n}条`;
    return `第${a.n}条${a.rest}–第${b.n}条${b.rest}`;
  }

  /* The table of contents beside (wide screens) or above (phones) the text. */
  function renderToc(toc) {
    clear(ui.docToc);
    ui.doc.classList.toggle('has-toc', toc.length > 0);
    ui.docToc.hidden = toc.length === 0;
    if (toc.length === 0)
      return;
    const ranks = Array.from(new Set(toc.map((t) => t.rank))).sort();
    const list = el('ol', { class: 'toc-list' });
    for (const t of toc) {
      const range = t.first ? articleRange(t.first, t.last) : '';
      const a = el('a', { href: '#' + t.el.id, class: 'toc-link', 'data-target': t.el.id },
                   el('span', { class: 'toc-no' }, t.number), t.title ? ' ' + t.title : '');
      list.appendChild(el('li', { class: `toc-item toc-depth-${ranks.indexOf(t.rank)}` }, a,
                          range ? el('span', { class: 'toc-range' }, range) : null));
    }
    const details = el('details', { class: 'toc-details' },
                       el('summary', {}, `目录（${toc.length} ${toc[0].rank === 9 ? '条' : '项'}）`), list);
    details.open = window.matchMedia('(min-width: 1200px)').matches;
    ui.docToc.appendChild(details);
  }

  /* 目录 in the document's navigation bar (narrow screens, where the
   * contents sit above the text): open them and go there. */
  ui.docTocButton.addEventListener('click', () => {
    const details = ui.docToc.querySelector('details');
    if (!details)
      return;
    details.open = true;
    ui.docToc.scrollIntoView({ block: 'start', behavior: 'instant' });
    const here = ui.docToc.querySelector('[aria-current]') || ui.docToc.querySelector('.toc-link');
    if (here)
      here.focus({ preventScroll: true });
  });

  /* ---------- routing ---------- */

  /* Show whatever the current URL says. */
  function route(mode, opts) {
    const s = stateFromURL(location.search);
    setControls(s);
    typingEntry = false;
    if (s.doc)
      showDoc(s, mode, opts);
    else
      search(s, mode, opts);
  }

  function openDoc(id, at) {
    clearTimeout(debounceTimer);
    showDoc({ doc: id, at: at, q: current.q, page: current.page, sort: current.sort,
              from: current.from, to: current.to, filters: (current.filters || []).slice() }, 'push');
  }

  /* Back to the results this document was opened from. */
  function backToResults() {
    if (!current.doc)
      return;
    const prev = history.state;
    if (prev && prev.cameFromResults) {
      history.back();
    } else {
      const s = Object.assign({}, current, { doc: '', at: null });
      setControls(s);
      search(s, 'push');
    }
  }

  /* ---------- suggestions as you type ---------- */

  /* GET /suggest?q=<what is typed>: completions from the index's titles
   * under the box (an ARIA combobox): ↓/↑ choose, Enter takes one, Esc
   * closes; a click takes one.  Requests are debounced, aborted when a
   * newer one starts, and an answer for another text than the box's is
   * dropped. */
  const SUGGEST_MS = 60;
  let suggestTimer = 0;
  let suggestCtl = null;
  let suggestItems = [];
  let suggestAt = -1;

  function closeSuggestions() {
    clearTimeout(suggestTimer);
    if (suggestCtl)
      suggestCtl.abort();
    suggestCtl = null;
    suggestItems = [];
    suggestAt = -1;
    clear(ui.suggestions);
    ui.suggestions.hidden = true;
    ui.q.setAttribute('aria-expanded', 'false');
    ui.q.removeAttribute('aria-activedescendant');
  }

  function askSuggestions() {
    clearTimeout(suggestTimer);
    const typed = ui.q.value;
    if (typed.trim() === '') {
      closeSuggestions();
      return;
    }
    suggestTimer = setTimeout(async () => {
      if (suggestCtl)
        suggestCtl.abort();
      const ctl = new AbortController();
      suggestCtl = ctl;
      try {
        const r = await fetch('/suggest?q=' + encodeURIComponent(typed) + '&limit=8',
                              { signal: ctl.signal, headers: { Accept: 'application/json' } });
        const j = r.ok ? await r.json() : null;
        if (ctl !== suggestCtl || ui.q.value !== typed || document.activeElement !== ui.q)
          return;            /* stale: the box moved on */
        showSuggestions(typed, j && Array.isArray(j.suggestions)
          ? j.suggestions.filter((x) => typeof x === 'string') : []);
      } catch (e) {
        /* suggestions are a help: searching reports a broken server */
      }
    }, SUGGEST_MS);
  }

  function showSuggestions(typed, list) {
    clear(ui.suggestions);
    suggestItems = list;
    suggestAt = -1;
    ui.q.removeAttribute('aria-activedescendant');
    if (list.length === 0) {
      closeSuggestions();
      return;
    }
    const prefix = typed.trim().normalize('NFKC').toLowerCase();
    list.forEach((text, i) => {
      /* what was typed plain, the completion in bold, as search boxes do */
      const li = el('li', { id: `suggestion-${i}`, role: 'option', class: 'suggestion', 'aria-selected': 'false',
                            'data-text': text });
      if (text.startsWith(prefix) && prefix !== '')
        li.append(prefix, el('b', {}, text.slice(prefix.length)));
      else
        li.append(text);
      li.addEventListener('mousedown', (e) => e.preventDefault()); /* keep the box's focus */
      li.addEventListener('click', () => takeSuggestion(i));
      ui.suggestions.appendChild(li);
    });
    ui.suggestions.hidden = false;
    ui.q.setAttribute('aria-expanded', 'true');
  }

  function moveSuggestion(dir) {
    const n = suggestItems.length;
    if (n === 0)
      return;
    /* n + 1 places: the suggestions and, past either end, what was typed */
    suggestAt = ((suggestAt + 1 + dir + n + 1) % (n + 1)) - 1;
    Array.from(ui.suggestions.children).forEach((li, i) => li.setAttribute('aria-selected', String(i === suggestAt)));
    if (suggestAt >= 0)
      ui.q.setAttribute('aria-activedescendant', `suggestion-${suggestAt}`);
    else
      ui.q.removeAttribute('aria-activedescendant');
  }

  function takeSuggestion(i) {
    const text = suggestItems[i];
    closeSuggestions();
    if (typeof text !== 'string')
      return;
    ui.q.value = text;
    ui.clear.hidden = false;
    clearTimeout(debounceTimer);
    search(stateFromControls(text), 'commit');
  }

  ui.q.addEventListener('blur', () => setTimeout(() => {
    if (document.activeElement !== ui.q)
      closeSuggestions();
  }, 0));

  /* The home page's examples: words of the index's titles (GET /suggest?q=). */
  let examplesLoaded = false;
  async function loadExamples() {
    if (examplesLoaded)
      return;
    try {
      const r = await fetch('/suggest?q=&limit=6', { headers: { Accept: 'application/json' } });
      const j = r.ok ? await r.json() : null;
      const list = j && Array.isArray(j.suggestions) ? j.suggestions.filter((x) => typeof x === 'string') : [];
      clear(ui.examples);
      for (const text of list)
        ui.examples.appendChild(el('li', {}, el('a', { href: urlFor({ q: text, doc: '', page: 1, sort: 'relevance',
                                                                       from: '', to: '', filters: [] }) }, text)));
      ui.examplesLine.hidden = list.length === 0;
      examplesLoaded = list.length > 0;
    } catch (e) {
      /* no examples: the box alone is enough */
    }
  }

  /* ---------- events ---------- */

  let debounceTimer = 0;
  let composing = false;

  function onType() {
    ui.clear.hidden = ui.q.value === '';
    if (composing)
      return;          /* wait for the IME to finish: pinyin is not the query */
    askSuggestions();
    clearTimeout(debounceTimer);
    const q = ui.q.value.trim();
    if (q === current.q && !current.doc && view === 'serp')
      return;
    debounceTimer = setTimeout(() => search(stateFromControls(q), 'type'), q === '' ? 0 : DEBOUNCE_MS);
  }

  ui.q.addEventListener('input', onType);
  ui.q.addEventListener('compositionstart', () => { composing = true; });
  ui.q.addEventListener('compositionend', () => { composing = false; onType(); });

  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    closeSuggestions();
    clearTimeout(debounceTimer);
    const q = ui.q.value.trim();
    search(stateFromControls(q), 'commit');
  });

  ui.clear.addEventListener('click', () => {
    ui.q.value = '';
    ui.q.focus();
    onType();
  });

  ui.sort.addEventListener('change', () => search(stateFromControls(current.q || ui.q.value.trim()), 'push'));

  function isoDaysAgo(days) {
    const d = new Date(Date.now() - days * 86400000);
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  ui.range.addEventListener('change', () => {
    const v = ui.range.value;
    if (v === '') {
      ui.from.value = '';
      ui.to.value = '';
      ui.dates.hidden = true;
    } else if (v === 'custom') {
      ui.dates.hidden = false;
      ui.from.focus();
      return;              /* search once a date is chosen */
    } else {
      ui.from.value = isoDaysAgo(Number(v));
      ui.to.value = '';
      ui.dates.hidden = false;
    }
    search(stateFromControls(current.q || ui.q.value.trim()), 'push');
  });

  for (const input of [ui.from, ui.to]) {
    input.addEventListener('change', () => {
      if (input.value !== '' && !DATE_RE.test(input.value))
        return;
      if (ui.from.value && ui.to.value && ui.from.value > ui.to.value) {
        input.setCustomValidity('开始日期不能晚于结束日期');
        input.reportValidity();
        return;
      }
      input.setCustomValidity('');
      ui.range.value = ui.from.value || ui.to.value ? 'custom' : '';
      search(stateFromControls(current.q || ui.q.value.trim()), 'push');
    });
  }

  /* Links inside the page are handled here; modified clicks (new tab) are
   * left to the browser, which loads the same URL directly. */
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return;
    const a = e.target.closest && e.target.closest('a');
    if (a && a.classList.contains('toc-link')) {
      /* a contents entry: scroll there without touching the URL (a #hash
       * would make a history entry and re-open the document) */
      e.preventDefault();
      const target = document.getElementById(a.dataset.target);
      if (target) {
        target.setAttribute('tabindex', '-1');
        target.scrollIntoView({ block: 'start', behavior: 'instant' });
        target.focus({ preventScroll: true });
        if (window.matchMedia('(max-width: 1199px)').matches)
          a.closest('details').open = false;
      }
      return;
    }
    if (!a || a.target === '_blank' || a.origin !== location.origin || a.pathname !== '/' ||
        (a.getAttribute('href') || '').startsWith('#'))
      return;              /* other sites, new tabs, in-page anchors (the skip link) */
    e.preventDefault();
    if (a.classList.contains('related-link')) {
      const target = stateFromURL(a.search);
      showDoc(Object.assign({}, current, { doc: target.doc, at: null }), 'push');
    } else if (a.classList.contains('result-link') || a.classList.contains('open-doc')) {
      const target = stateFromURL(a.search);
      openDoc(target.doc, target.at);
      /* openDoc pushed the document's entry: Back from it may use history.back() */
      history.replaceState(Object.assign({}, history.state, { cameFromResults: true }), '', location.href);
    } else if (a.dataset.filter !== undefined && (a.classList.contains('facet-value') ||
               a.classList.contains('filter-chip') || a.classList.contains('filter-clear'))) {
      const target = stateFromURL(a.search);
      search(Object.assign({}, current, { filters: target.filters, page: 1 }), 'push');
    } else if (a === ui.docBack) {
      backToResults();
    } else if (a.classList.contains('page')) {
      search(Object.assign({}, current, { page: Number(a.dataset.page) }), 'push');
      window.scrollTo(0, 0);
      ui.main.focus({ preventScroll: true });
    } else {
      /* the logo, example questions: treat as a fresh navigation */
      history.pushState({ sou: 1 }, '', a.pathname + a.search);
      route('none');
      if (!current.doc)
        ui.q.focus();
    }
  });

  ui.docPrev.addEventListener('click', () => stepMark(-1));
  ui.docNext.addEventListener('click', () => stepMark(1));

  const resultLinks = () => Array.from(ui.results.querySelectorAll('.result-link'));

  document.addEventListener('keydown', (e) => {
    if (e.isComposing || e.altKey || e.ctrlKey || e.metaKey)
      return;
    const t = e.target;
    const typing = t instanceof HTMLInputElement || t instanceof HTMLSelectElement ||
                   t instanceof HTMLTextAreaElement || (t && t.isContentEditable);
    if (e.key === '/' && !typing) {
      e.preventDefault();
      ui.q.focus();
      ui.q.select();
      return;
    }
    if (t === ui.q && !ui.suggestions.hidden) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        moveSuggestion(e.key === 'ArrowDown' ? 1 : -1);
        return;
      }
      if (e.key === 'Enter' && suggestAt >= 0) {
        e.preventDefault();
        takeSuggestion(suggestAt);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        closeSuggestions();
        return;
      }
    }
    if (e.key === 'Escape' && t === ui.q) {
      if (ui.q.value !== '') {
        ui.q.value = '';
        onType();
      }
      return;
    }
    if (e.key === 'Escape' && !typing && current.doc) {
      e.preventDefault();
      backToResults();
      return;
    }
    if (current.doc && !typing && (e.key === 'n' || e.key === 'N')) {
      e.preventDefault();
      stepMark(e.shiftKey ? -1 : 1);
      return;
    }
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !ui.serp.hidden) {
      const links = resultLinks();
      if (links.length === 0)
        return;
      if (t === ui.q) {
        if (e.key === 'ArrowDown') {
          e.preventDefault();
          links[0].focus();
        }
        return;
      }
      if (typing)
        return;
      const i = links.indexOf(t);
      if (i < 0) {
        /* nothing focused (or the main area after paging): start at the top */
        if (t === document.body || t === ui.main || t === null) {
          e.preventDefault();
          links[0].focus();
        }
        return;
      }
      e.preventDefault();
      if (e.key === 'ArrowDown')
        links[Math.min(i + 1, links.length - 1)].focus();
      else if (i === 0)
        ui.q.focus();
      else
        links[i - 1].focus();
    }
  });

  /* Keep the focused result in view with a little margin. */
  ui.results.addEventListener('focusin', (e) => {
    const li = e.target.closest('.result');
    if (li)
      li.scrollIntoView({ block: 'nearest' });
  });

  window.addEventListener('popstate', () => {
    clearTimeout(debounceTimer);
    const saved = history.state || {};
    route('none', { useCache: true, restore: saved, focus: false });
  });

  /* ---------- start ---------- */

  if ('scrollRestoration' in history)
    history.scrollRestoration = 'manual';
  history.replaceState(Object.assign({}, history.state, { sou: 1 }), '', location.href);
  route('none', { focus: false });
  /* The box takes the focus only on the home page and only with a mouse or
   * trackpad: on a phone focusing it pops the keyboard up over the page,
   * and on a document link it would swallow the n / N keys (and any other
   * letter) meant for the page. */
  if (!current.doc && !current.q && window.matchMedia('(hover: hover) and (pointer: fine)').matches)
    ui.q.focus();
})();
