/*
 * browser_test.mjs: the search page end to end, in headless Chromium.
 *
 *   node tests/browser/browser_test.mjs [--bin DIR] [--source DIR] [--out DIR]
 *
 * Indexes corpus/ plus one hostile JSONL document (its title and body hold
 * <script> and <img onerror>) with the built indexer into a temporary
 * directory, starts searchd on free loopback ports, drives the page with
 * playwright-core (Debian's /usr/bin/chromium), and checks what a person would:
 * results as you type with the right article first and highlights rendered,
 * the document view, a shared ?q= URL, Back and Forward, the keyboard, the
 * hostile document shown as text, empty, error and unreachable states.
 * Screenshots go to the output directory (the build directory).  searchd is
 * always stopped; the exit status is non-zero when a check fails, and the last
 * line is "browser: N passed, M failed".
 *
 * Defaults: --bin $SOU_BIN_DIR, --source $SOU_SOURCE_DIR (else the repo this
 * file is in), --out the parent of --bin.  playwright-core is installed with
 * "npm ci" into tests/browser/node_modules when missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const WAIT_MS = 15000;          /* generous: a loaded CI machine, not a timing target */

function parseArgs(argv) {
  const opt = {
    bin: process.env.SOU_BIN_DIR || '',
    source: process.env.SOU_SOURCE_DIR || path.resolve(HERE, '..', '..'),
    out: '',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length)
        throw new Error(`${a}: needs a value`);
      return argv[++i];
    };
    if (a === '--bin') opt.bin = val();
    else if (a === '--source') opt.source = val();
    else if (a === '--out') opt.out = val();
    else throw new Error(`unknown argument "${a}" (usage: browser_test.mjs [--bin DIR] [--source DIR] [--out DIR])`);
  }
  if (!opt.bin)
    throw new Error('no programs: pass --bin DIR (the build\'s bin directory) or set SOU_BIN_DIR');
  opt.bin = path.resolve(opt.bin);
  opt.out = path.resolve(opt.out || path.join(opt.bin, '..'));
  for (const prog of ['indexer', 'searchd']) {
    if (!fs.existsSync(path.join(opt.bin, prog)))
      throw new Error(`${path.join(opt.bin, prog)}: not found (build first)`);
  }
  if (!fs.existsSync(path.join(opt.source, 'corpus')))
    throw new Error(`${path.join(opt.source, 'corpus')}: not found (pass --source the repository root)`);
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM}: not found (apt-get install chromium; scripts/test.sh does it)`);
  return opt;
}

/* playwright-core from tests/browser/node_modules, installed by npm ci if missing. */
async function loadPlaywright() {
  const entry = path.join(HERE, 'node_modules', 'playwright-core', 'index.mjs');
  if (!fs.existsSync(entry)) {
    console.log('browser: installing playwright-core (npm ci in tests/browser)');
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'],
                        { cwd: HERE, stdio: 'inherit' });
    if (r.status !== 0 || !fs.existsSync(entry))
      throw new Error(`npm ci in ${HERE} failed (status ${r.status}${r.error ? ', ' + r.error.message : ''})`);
  }
  return (await import(pathToFileURL(entry).href)).chromium;
}

/* The hostile document: markup in title and body that must show as text. */
const XSS_ID = 'xss_probe';
const XSS_DOC = {
  id: XSS_ID,
  title: '跨站脚本测试<script>alert(1)</script>标题',
  body: '这篇跨站脚本测试文档的正文里有 <img src=x onerror=alert(1)> 和 <script>alert(1)</script> 两段标记，' +
        '页面必须把它们当作文字显示。\n第二段：<b>不是粗体</b> &amp; 不是实体。',
  date: '2026-01-01',
  url: 'javascript:alert(1)',
};

/* A long law made up at test time (never the shared corpora): a preamble,
 * its own 目录 block, 2 编 with 章 and 节, 120 articles; article 95 alone
 * speaks of 醉酒驾驶, far down the page, so opening it from a result must
 * scroll.  Plus a few short documents of other categories. */
const LAW_ID = 'law_test_traffic';
const CN = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
function cn(n) {
  if (n < 10) return CN[n];
  if (n < 20) return '十' + (n % 10 ? CN[n % 10] : '');
  if (n < 100) return CN[Math.floor(n / 10)] + '十' + (n % 10 ? CN[n % 10] : '');
  const rest = n % 100;
  return CN[Math.floor(n / 100)] + '百' + (rest === 0 ? '' : rest < 10 ? '零' + CN[rest] : rest < 20 ? '一' + cn(rest) : cn(rest));
}
function makeLaw() {
  const lines = ['2021年3月1日 测试市人民代表大会常务委员会第九次会议通过', '目　录'];
  const plan = [];                 /* [编, 章, 节 or null, articles] */
  let art = 0;
  const topics = ['车辆登记', '驾驶许可', '道路通行', '停车管理', '事故处理', '监督检查', '法律责任', '附则'];
  for (let b = 1; b <= 2; b++)
    for (let z = 1; z <= 4; z++)
      plan.push([b, z, z === 2 ? 2 : 0, 15]);
  for (const [b, z] of plan)
    if (b === 1 && z === 1) lines.push('第一编　总则');
  for (let i = 0; i < plan.length; i++) lines.push(`第${cn(i + 1)}章　${topics[i]}`);
  let chapter = 0;
  for (const [b, z, sections, n] of plan) {
    if (z === 1) lines.push(`第${cn(b)}编　${b === 1 ? '总则' : '分则'}`);
    chapter++;
    lines.push(`第${cn(chapter)}章　${topics[chapter - 1]}`);
    for (let k = 0; k < n; k++) {
      if (sections && k % Math.ceil(n / sections) === 0)
        lines.push(`第${cn(k / Math.ceil(n / sections) + 1)}节　${topics[chapter - 1]}的一般规定`);
      art++;
      const text = art === 95
        ? '醉酒驾驶机动车的，由公安机关交通管理部门约束至酒醒，吊销机动车驾驶证，依法追究刑事责任。'
        : `本市${topics[chapter - 1]}工作应当遵循依法、公开、便民的原则，第${art}项具体办法由市人民政府另行规定。`;
      lines.push(`第${cn(art)}条　${text}`);
      if (art % 7 === 0)
        lines.push('有关部门应当加强协作，做好相关工作。');
    }
  }
  return { id: LAW_ID, title: '测试市道路交通安全条例', body: lines.join('\n'), date: '2021-03-01', category: 'DLC' };
}
const FIXTURES = [
  makeLaw(),
  { id: 'case_drunk_1', title: '醉驾致人受伤案', body: '被告人醉酒驾驶机动车，造成他人受伤，法院依法判处拘役。',
    date: '2023-05-06', category: '案例' },
  { id: 'interp_drunk', title: '关于办理醉驾案件的意见', body: '对醉酒驾驶机动车的，依法从严处理。', date: '2023-12-13',
    category: '司法解释' },
  /* two versions of one regulation: shown as one result (issue 7) */
  ...['2015-06-01', '2022-01-01'].map((date, i) => ({
    id: `copy_v${i + 1}`, title: '测试住宅物业管理规定', date, category: 'DLC',
    body: '业主大会应当依法选举业主委员会。物业服务企业应当按照合同约定提供服务，公开收费项目和标准。' +
          (i ? '本规定自2022年1月1日起施行。' : '本规定自2015年6月1日起施行。') })),
];
const ARTICLE_95 = '第九十五条';

function indexCorpus(opt, dir) {
  const jsonl = path.join(dir, 'xss.jsonl');
  fs.writeFileSync(jsonl, [XSS_DOC, ...FIXTURES].map((d) => JSON.stringify(d)).join('\n') + '\n');
  const db = path.join(dir, 'db');
  const r = spawnSync(path.join(opt.bin, 'indexer'),
                      ['--db', db, '--facet', 'category', '--label', 'category=类别',
                       '--label', 'category:DLC=地方性法规', path.join(opt.source, 'corpus'), jsonl],
                      { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`indexer failed (status ${r.status}): ${r.stderr || r.stdout}`);
  return db;
}

/* Start searchd; resolves to {proc, base} once it prints its addresses. */
function startSearchd(opt, db) {
  return new Promise((resolve, reject) => {
    const proc = spawn(path.join(opt.bin, 'searchd'),
                       ['--db', db, '--http', '127.0.0.1:0', '--line', '127.0.0.1:0'],
                       { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errText = '';
    const timer = setTimeout(() => fail(new Error('searchd did not print its addresses within 10 s')), 10000);
    function fail(e) {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`${e.message}\nstdout: ${out}\nstderr: ${errText}`));
    }
    proc.stderr.on('data', (d) => { errText += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /^searchd: .*\bhttp (\d+\.\d+\.\d+\.\d+):(\d+)/m.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        running = { proc, base: `http://${m[1]}:${m[2]}`, stderr: () => errText };
        resolve(running);
      }
    });
    proc.on('error', (e) => fail(e));
    proc.on('exit', (code, sig) => fail(new Error(`searchd exited early (status ${code}, signal ${sig})`)));
  });
}

function stopSearchd(sd) {
  return new Promise((resolve) => {
    if (!sd || sd.proc.exitCode !== null || sd.proc.signalCode !== null)
      return resolve();
    const t = setTimeout(() => sd.proc.kill('SIGKILL'), 5000);
    sd.proc.once('exit', () => { clearTimeout(t); resolve(); });
    sd.proc.kill('SIGTERM');
  });
}

/* ---------- checks ---------- */

const results = [];
let running = null;             /* searchd, for the signal handlers */
let page = null;
let opts = null;

function assert(cond, what) {
  if (!cond)
    throw new Error(what);
}

async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok - ${name}`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL - ${name}: ${e.message.split('\n')[0]}`);
    if (page) {
      const shot = path.join(opts.out, `browser-failure-${results.length}.png`);
      await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      console.log(`       url ${page.url()}; screenshot ${shot}`);
    }
  }
}

/* Wait until the results for q are on screen (not an older query's). */
async function resultsFor(q) {
  await page.waitForFunction((q) => {
    const serp = document.getElementById('serp');
    return !serp.hidden && serp.dataset.q === q && !document.body.classList.contains('busy') &&
           (document.querySelector('#results .result') || !document.getElementById('message').hidden);
  }, q, { timeout: WAIT_MS });
  return page.$$eval('#results .result', (lis) => lis.map((li) => ({
    id: li.dataset.id,
    title: li.querySelector('.result-link').textContent,
    marks: Array.from(li.querySelectorAll('mark')).map((m) => m.textContent),
    date: (li.querySelector('time') || {}).textContent || '',
  })));
}

async function docShown(id) {
  await page.waitForFunction((id) => {
    const doc = document.getElementById('doc');
    return !doc.hidden && (id ? doc.dataset.id === id : doc.dataset.id);
  }, id, { timeout: WAIT_MS });
  return page.evaluate(() => ({
    id: document.getElementById('doc').dataset.id,
    title: document.getElementById('doc-title').textContent,
    body: document.getElementById('doc-body').textContent,
    paragraphs: document.querySelectorAll('#doc-body p').length,
    marks: Array.from(document.querySelectorAll('#doc-body mark, #doc-title mark')).map((m) => m.textContent),
  }));
}

/* Elements a document's text may turn into: everything else is injection. */
async function foreignElements() {
  return page.evaluate(() => {
    const allowed = new Set(['LI', 'H2', 'A', 'P', 'SPAN', 'TIME', 'MARK', 'STRONG', 'UL', 'DETAILS', 'SUMMARY']);
    const bad = [];
    for (const e of document.querySelectorAll('#results *, #doc-title *, #doc-meta *, #doc-body *')) {
      if (!allowed.has(e.tagName))
        bad.push(e.tagName);
      for (const a of e.attributes) {
        if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value))
          bad.push(`${e.tagName}[${a.name}]`);
      }
    }
    return bad.concat(Array.from(document.images).map((i) => 'IMG ' + i.src),
                      document.scripts.length !== 1 ? [`${document.scripts.length} scripts`] : []);
  });
}

async function apiSearch(base, q) {
  const r = await fetch(`${base}/search?q=${encodeURIComponent(q)}&limit=10`);
  return r.json();
}

async function main() {
  opts = parseArgs(process.argv.slice(2));
  const chromium = await loadPlaywright();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sou-browser-'));
  let sd = null;
  let context = null;
  const dialogs = [];
  try {
    const db = indexCorpus(opts, tmp);
    sd = await startSearchd(opts, db);
    const base = sd.base;
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
    });
    page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    const pageErrors = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    page.on('pageerror', (e) => pageErrors.push(e.message));

    const Q1 = '天津看牙能用医保报销吗';
    const Q2 = '兰州怎么在手机上激活医保卡';

    await check('the page loads with the search box focused', async () => {
      const resp = await page.goto(base + '/');
      assert(resp.ok(), `GET / answered HTTP ${resp.status()}`);
      assert(resp.headers()['content-type'].startsWith('text/html'), `GET / content-type ${resp.headers()['content-type']}`);
      await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'q');
    });

    await check(`typing ${Q1} shows results as you type, 000_* first, highlights rendered`, async () => {
      const before = await page.evaluate(() => history.length);
      await page.keyboard.type(Q1, { delay: 40 });
      const hits = await resultsFor(Q1);
      const after = await page.evaluate(() => history.length);
      assert(after === before + 1, `typing made ${after - before} history entries, expected 1`);
      assert(hits.length > 0, 'no results');
      assert(hits[0].id.startsWith('000_'), `first result is ${hits[0].id}, expected 000_*`);
      assert(hits[0].marks.length > 0 && hits[0].marks.every((m) => m.length > 0), 'no <mark> in the first result');
      const api = await apiSearch(base, Q1);
      assert(api.hits[0].id === hits[0].id, `page shows ${hits[0].id} first, API says ${api.hits[0].id}`);
      const status = await page.textContent('#status');
      assert(status.includes(String(api.total)), `status "${status}" lacks the total ${api.total}`);
      const dropped = (api.query && api.query.dropped) || [];
      if (dropped.length) {
        const interp = await page.textContent('#interp');
        assert(interp.includes('已忽略') && dropped.every((w) => interp.includes(w)),
               `interpretation "${interp}" does not list the dropped words ${dropped.join('、')}`);
      }
      assert(new URL(page.url()).searchParams.get('q') === Q1, `URL ${page.url()} does not carry the query`);
      await page.screenshot({ path: path.join(opts.out, 'browser-screenshot.png') });
    });

    await check('the / key focuses the search box from anywhere on the page', async () => {
      await page.click('#status');
      assert(await page.evaluate(() => document.activeElement.id !== 'q'), 'the box kept the focus');
      await page.keyboard.press('/');
      assert(await page.evaluate(() => document.activeElement.id === 'q'), '/ did not focus the box');
      assert(await page.inputValue('#q') === Q1, 'the / was typed into the box');
    });

    let firstTitle = '';
    await check('arrow keys reach the first result and Enter opens the document with highlights', async () => {
      await page.focus('#q');
      await page.keyboard.press('ArrowDown');
      const focused = await page.evaluate(() => document.activeElement.classList.contains('result-link') &&
                                                document.activeElement.closest('.result').dataset.id);
      assert(focused && focused.startsWith('000_'), `ArrowDown focused ${focused}, expected the first result`);
      firstTitle = await page.evaluate(() => document.activeElement.textContent);
      await page.keyboard.press('Enter');
      const doc = await docShown(focused);
      assert(doc.title === firstTitle, `document title "${doc.title}" differs from the result's "${firstTitle}"`);
      assert(doc.paragraphs > 1, `the body has ${doc.paragraphs} paragraph(s)`);
      assert(doc.marks.length > 0, 'no <mark> in the document view');
      const u = new URL(page.url());
      assert(u.searchParams.get('doc') === focused && u.searchParams.get('q') === Q1, `URL ${page.url()}`);
      await page.screenshot({ path: path.join(opts.out, 'browser-screenshot-doc.png') });
    });

    await check('Back returns to the results, Forward to the document', async () => {
      await page.goBack();
      const hits = await resultsFor(Q1);
      assert(hits.length > 0 && hits[0].id.startsWith('000_'), 'results not restored by Back');
      assert(await page.inputValue('#q') === Q1, 'the box lost the query after Back');
      await page.goForward();
      const doc = await docShown(null);
      assert(doc.id.startsWith('000_'), `Forward shows ${doc.id}`);
      await page.goBack();
      await resultsFor(Q1);
    });

    await check(`loading /?q=${Q2} renders results on load, 003_* first`, async () => {
      await page.goto(`${base}/?q=${encodeURIComponent(Q2)}`);
      const hits = await resultsFor(Q2);
      assert(hits.length > 0, 'no results');
      assert(hits[0].id.startsWith('003_'), `first result is ${hits[0].id}, expected 003_*`);
      assert(hits.some((h) => h.marks.length > 0), 'no highlights');
      assert(await page.inputValue('#q') === Q2, 'the box does not show the query');
    });

    await check('a stale, slow answer never replaces a newer one', async () => {
      /* hold back the answer to the first query until the second is shown */
      let release;
      const held = new Promise((r) => { release = r; });
      await page.route('**/search?*', async (route) => {
        const q = new URL(route.request().url()).searchParams.get('q');
        if (q === '岳阳')
          await held;
        await route.continue().catch(() => {});
      });
      try {
        await page.fill('#q', '岳阳');
        await page.waitForTimeout(400);                /* debounce passes, the request is out */
        await page.fill('#q', '石家庄医保卡激活步骤');
        await page.keyboard.press('Enter');
        const hits = await resultsFor('石家庄医保卡激活步骤');
        assert(hits.length > 0 && hits[0].id.startsWith('001_'), `first result ${hits[0] && hits[0].id}, expected 001_*`);
        release();
        await page.waitForTimeout(500);
        const q = await page.evaluate(() => document.getElementById('serp').dataset.q);
        assert(q === '石家庄医保卡激活步骤', `the stale answer for "${q}" replaced the newer results`);
      } finally {
        release();
        await page.unroute('**/search?*');
      }
    });

    await check('a document containing <script> and <img onerror> shows them as text', async () => {
      await page.goto(`${base}/?q=${encodeURIComponent('跨站脚本测试')}`);
      const hits = await resultsFor('跨站脚本测试');
      const hit = hits.find((h) => h.id === XSS_ID);
      assert(hit, `the hostile document is not among the results (${hits.map((h) => h.id).join(', ')})`);
      assert(hit.title.includes('<script>alert(1)</script>'), `title shown as "${hit.title}"`);
      let bad = await foreignElements();
      assert(bad.length === 0, `injected into the results: ${bad.join(', ')}`);
      await page.click(`.result[data-id="${XSS_ID}"] .result-link`);
      const doc = await docShown(XSS_ID);
      assert(doc.body.includes('<img src=x onerror=alert(1)>') && doc.body.includes('<b>不是粗体</b> &amp; 不是实体'),
             `document body shown as "${doc.body.slice(0, 120)}"`);
      assert(doc.title.includes('<script>alert(1)</script>'), `document title shown as "${doc.title}"`);
      bad = await foreignElements();
      assert(bad.length === 0, `injected into the document view: ${bad.join(', ')}`);
      const urlLinks = await page.$$eval('a[href^="javascript:" i]', (as) => as.length);
      assert(urlLinks === 0, 'a javascript: URL became a link');
      await page.waitForTimeout(300);
      assert(dialogs.length === 0, `a dialog fired: ${dialogs.join(' | ')}`);
    });

    await check('sorting by date puts the newest first and is kept in the URL', async () => {
      await page.goto(`${base}/?q=${encodeURIComponent('医保')}`);
      await resultsFor('医保');
      await page.selectOption('#sort', 'date');
      assert(new URL(page.url()).searchParams.get('sort') === 'date', `URL ${page.url()} lacks sort=date`);
      await page.waitForFunction(() => /[?&]sort=date(&|$)/.test(document.getElementById('serp').dataset.url || ''));
      const dates = await page.$$eval('#results .result time', (ts) => ts.map((t) => t.textContent));
      assert(dates.length >= 2, `only ${dates.length} dated results`);
      const sorted = [...dates].sort().reverse();
      assert(dates.join() === sorted.join(), `dates not newest first: ${dates.join(', ')}`);
      await page.reload();
      await resultsFor('医保');
      assert(await page.inputValue('#sort') === 'date', 'sort lost on reload');
    });

    await check('no results and a page past the end show a clear message with a hint', async () => {
      await page.goto(`${base}/?q=${encodeURIComponent('zqxjvwk')}`);
      await resultsFor('zqxjvwk');
      const msg = await page.textContent('#message');
      assert(msg.includes('没有找到') && msg.includes('zqxjvwk'), `message "${msg}"`);
      const interp = await page.textContent('#interp');
      assert(interp.includes('缺少') && interp.includes('zqxjvwk'), `the missing word is not said: "${interp}"`);
      await page.goto(`${base}/?q=${encodeURIComponent('医保')}&page=50`);
      await resultsFor('医保');
      const past = await page.textContent('#message');
      assert(past.includes('回到第一页'), `past-the-end message "${past}"`);
    });

    await check('a server error shows its message', async () => {
      await page.route('**/search?*', (route) => route.fulfill({
        status: 503, contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ error: { code: 503, message: 'index unavailable: 测试用的错误' } }),
      }));
      try {
        await page.goto(`${base}/?q=${encodeURIComponent('医保卡')}`);
        await page.waitForSelector('#message .message-box.error');
        const msg = await page.textContent('#message');
        assert(msg.includes('测试用的错误') && msg.includes('503'), `error message "${msg}"`);
      } finally {
        await page.unroute('**/search?*');
      }
    });

    await check('a phone-sized screen shows the results in one column without sideways scrolling', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}/?q=${encodeURIComponent(Q1)}`);
      await resultsFor(Q1);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, `the page is ${overflow}px wider than the screen`);
      /* with facets: a row of chips, still no sideways scrolling of the page */
      await page.goto(`${base}/?q=${encodeURIComponent('醉驾')}`);
      await resultsFor('醉驾');
      const chips = await page.evaluate(() => ({
        over: document.documentElement.scrollWidth - window.innerWidth,
        rows: Array.from(document.querySelectorAll('#facets .facet')).map((f) => f.getBoundingClientRect().height),
      }));
      assert(chips.over <= 0 && chips.rows.length >= 1 && chips.rows.every((h) => h < 60),
             `facets on a phone: ${JSON.stringify(chips)}`);
      await page.screenshot({ path: path.join(opts.out, 'browser-screenshot-phone.png') });
      await page.goto(`${base}/?doc=${LAW_ID}&q=${encodeURIComponent('醉驾')}`);
      await docShown(LAW_ID);
      assert(await page.evaluate(() => document.activeElement.tagName !== 'INPUT'),
             'a document link focuses an input on a phone (the keyboard would pop up)');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    await check('a bad query is explained in Chinese at the wrong part, with useful buttons and no 重试', async () => {
      await page.goto(`${base}/?q=${encodeURIComponent('醉驾 date:2025-13')}`);
      await page.waitForSelector('#message .message-box.error');
      const box = await page.evaluate(() => ({
        title: document.querySelector('#message .message-title').textContent,
        text: document.getElementById('message').textContent,
        fault: (document.querySelector('#message mark.fault') || {}).textContent,
        buttons: Array.from(document.querySelectorAll('#message button')).map((b) => b.textContent),
        box: document.getElementById('q').value,
      }));
      assert(/日期/.test(box.title), `title "${box.title}"`);
      assert(box.fault === 'date:2025-13', `marked part "${box.fault}"`);
      assert(box.text.includes('没有 13 月'), `no Chinese explanation in "${box.text}"`);
      assert(!box.buttons.includes('重试'), `a 重试 button for a 400: ${box.buttons.join(', ')}`);
      assert(box.box === '醉驾 date:2025-13', `the box shows "${box.box}"`);
      const drop = box.buttons.find((b) => b.startsWith('去掉'));
      assert(drop, `no button to drop the bad part: ${box.buttons.join(', ')}`);
      await page.click(`#message button:text("${drop}")`);
      const hits = await resultsFor('醉驾');
      assert(hits.length > 0 && new URL(page.url()).searchParams.get('q') === '醉驾', `after 去掉: ${page.url()}`);
    });

    await check('a bad date in the URL is named next to the date fields', async () => {
      await page.goto(`${base}/?q=${encodeURIComponent('醉驾')}&from=2025-13-01`);
      await page.waitForSelector('#message .message-box.error');
      const st = await page.evaluate(() => ({
        note: document.getElementById('dates-error').hidden ? '' : document.getElementById('dates-error').textContent,
        invalid: document.getElementById('date-from').getAttribute('aria-invalid'),
        datesShown: !document.getElementById('dates').hidden,
        buttons: Array.from(document.querySelectorAll('#message button')).map((b) => b.textContent),
      }));
      assert(st.note.includes('2025-13-01'), `next to the dates: "${st.note}"`);
      assert(st.invalid === 'true' && st.datesShown, 'the date field is not shown as invalid');
      assert(!st.buttons.includes('重试') && st.buttons.includes('不限时间再搜'), `buttons ${st.buttons.join(', ')}`);
    });

    await check('a long law opens at the passage of its result, with contents and styled article numbers', async () => {
      await page.goto(`${base}/?q=${encodeURIComponent('醉酒驾驶 吊销驾驶证')}`);
      const hits = await resultsFor('醉酒驾驶 吊销驾驶证');
      assert(hits.some((h) => h.id === LAW_ID), `the law is not among ${hits.map((h) => h.id).join(', ')}`);
      await page.click(`.result[data-id="${LAW_ID}"] .result-link`);
      await docShown(LAW_ID);
      const v = await page.evaluate(() => {
        const passage = document.querySelector('#doc-body .passage');
        const r = passage ? passage.getBoundingClientRect() : null;
        const cur = document.querySelector('#doc-body mark.current');
        return {
          toc: Array.from(document.querySelectorAll('#doc-toc .toc-link')).map((a) => a.textContent),
          here: (document.querySelector('#doc-toc [aria-current]') || {}).textContent || '',
          articles: document.querySelectorAll('#doc-body .art-no').length,
          headings: document.querySelectorAll('#doc-body .doc-heading').length,
          passage: passage ? passage.textContent.slice(0, 12) : '',
          inView: r ? r.top >= 0 && r.bottom <= window.innerHeight : false,
          scrolled: window.scrollY,
          current: cur ? passage.contains(cur) : false,
          at: new URL(location.href).searchParams.get('at'),
        };
      });
      assert(v.toc.length === 14 && v.toc[0].startsWith('第一编') && v.toc.some((t) => t.startsWith('第八章')),
             `contents: ${v.toc.join(' | ')}`);
      assert(v.articles === 120 && v.headings === 14, `${v.articles} article numbers, ${v.headings} headings`);
      assert(v.passage.startsWith('第九十五条'), `the passage marked is "${v.passage}"`);
      assert(v.inView && v.scrolled > 1000 && v.current, `passage not in view (scrollY ${v.scrolled}, current ${v.current})`);
      assert(/^\d+$/.test(v.at || ''), `URL ${page.url()} does not carry the passage offset`);
      assert(v.here.includes('法律责任'), `the contents do not show where the passage is: "${v.here}"`);
      await page.click('#doc-toc .toc-link >> text=第二章');
      const top = await page.evaluate(() => {
        const h = Array.from(document.querySelectorAll('#doc-body .doc-heading')).find((x) => x.textContent.startsWith('第二章'));
        return h.getBoundingClientRect().top;
      });
      assert(top >= 0 && top < 300, `第二章 is at ${top}px after clicking it in the contents`);
      await page.screenshot({ path: path.join(opts.out, 'browser-screenshot-law.png') });
    });

    await check('n and N on a shared document link step through matches, never into the search box', async () => {
      await page.goto(`${base}/?doc=${LAW_ID}&q=${encodeURIComponent('人民政府')}`);
      await docShown(LAW_ID);
      const focus = await page.evaluate(() => document.activeElement.id);
      assert(focus !== 'q', 'the search box took the focus on a document link');
      await page.keyboard.press('n');
      await page.keyboard.press('n');
      await page.keyboard.press('Shift+N');
      const st = await page.evaluate(() => ({
        q: document.getElementById('q').value,
        count: document.getElementById('doc-match-count').textContent,
        current: document.querySelectorAll('mark.current').length,
      }));
      assert(st.q === '人民政府', `the box holds "${st.q}"`);
      assert(st.current === 1 && /^第 1 \/ \d+ 处匹配$/.test(st.count), `after n n N: "${st.count}"`);
      assert(new URL(page.url()).searchParams.get('doc') === LAW_ID, `navigated away to ${page.url()}`);
    });

    await check('facets: counts beside the results, a click filters, the URL carries it, fields by name', async () => {
      await page.goto(`${base}/?q=${encodeURIComponent('醉驾')}`);
      await resultsFor('醉驾');
      const api = await (await fetch(`${base}/search?q=${encodeURIComponent('醉驾')}&facets=category`)).json();
      const want = api.facets.category.map((v) => `${v.label || v.value} ${v.count}`);
      const shown = await page.$$eval('#facets .facet[data-field="category"] .facet-value',
                                      (as) => as.map((a) => `${a.querySelector('.facet-name').textContent} ${a.querySelector('.facet-count').textContent}`));
      assert(want.length >= 2 && shown.join('|') === want.join('|'), `facets shown ${shown.join(', ')}, API ${want.join(', ')}`);
      const title = await page.textContent('#facets .facet-title');
      assert(title === '类别', `the facet is titled "${title}"`);
      await page.click('#facets .facet-value[data-filter="category:司法解释"]');
      await page.waitForFunction(() => /filter=category/.test(document.getElementById('serp').dataset.url || ''));
      const hits = await resultsFor('醉驾');
      assert(new URL(page.url()).searchParams.getAll('filter').join() === 'category:司法解释', `URL ${page.url()}`);
      assert(hits.length === 1 && hits[0].id === 'interp_drunk', `filtered results ${hits.map((h) => h.id).join(', ')}`);
      const st = await page.evaluate(() => ({
        pressed: Array.from(document.querySelectorAll('#facets .facet-value[aria-pressed="true"]')).map((a) => a.dataset.filter),
        others: document.querySelectorAll('#facets .facet-value[aria-pressed="false"]').length,
        chip: (document.querySelector('#active-filters .filter-chip') || {}).textContent || '',
        status: document.getElementById('status').textContent,
      }));
      assert(st.pressed.join() === 'category:司法解释' && st.others >= 1, `pressed ${st.pressed}, ${st.others} others still offered`);
      assert(st.chip.includes('类别：司法解释'), `chip "${st.chip}"`);
      assert(/找到 1 条结果/.test(st.status), `status "${st.status}" (the total must be exact)`);
      await page.reload();
      await resultsFor('醉驾');
      assert((await page.$$('#results .result')).length === 1, 'the filter was lost on reload');
      await page.click('#active-filters .filter-chip');
      await page.waitForFunction(() => !/filter=/.test(document.getElementById('serp').dataset.url || ''));
      assert((await resultsFor('醉驾')).length >= 2, 'removing the filter did not bring the other results back');
      /* a coded value is shown by its name */
      await page.goto(`${base}/?q=${encodeURIComponent('醉酒驾驶 吊销驾驶证')}`);
      await resultsFor('醉酒驾驶 吊销驾驶证');
      const meta = await page.textContent(`.result[data-id="${LAW_ID}"] .meta`);
      assert(meta.includes('地方性法规') && !meta.includes('DLC'), `the law's fields read "${meta}"`);
      await page.screenshot({ path: path.join(opts.out, 'browser-screenshot.png') });
    });

    await check('near-copies are one result, 另有 1 篇相似 opens to the other version', async () => {
      await page.goto(`${base}/?q=${encodeURIComponent('物业管理规定')}`);
      const hits = await resultsFor('物业管理规定');
      const ids = hits.map((h) => h.id);
      assert(ids.includes('copy_v2') && !ids.includes('copy_v1'), `results ${ids.join(', ')}: the newer version alone`);
      const li = `#results .result[data-id="copy_v2"]`;
      assert((await page.textContent(`${li} .similar summary`)).includes('另有 1 篇相似'), 'no 另有 1 篇相似');
      assert(!(await page.isVisible(`${li} .similar-link`)), 'the list is open before a click');
      await page.click(`${li} .similar summary`);
      await page.click(`${li} .similar-link`);
      await docShown('copy_v1');
    });

    await check('related articles under a document open in the page', async () => {
      await page.goto(`${base}/?doc=000_ac1cf03b7f701441`);
      await docShown('000_ac1cf03b7f701441');
      const links = await page.$$eval('#doc-related .related-link', (as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent })));
      const api = await (await fetch(`${base}/doc/000_ac1cf03b7f701441`)).json();
      assert(links.length >= 1 && links.length === api.related.length, `${links.length} related shown, API ${api.related.length}`);
      assert(links.every((l) => !l.href.includes('000_ac1cf03b7f701441')), 'the document is related to itself');
      const next = new URLSearchParams(links[0].href.slice(2)).get('doc');
      await page.click('#doc-related .related-link');
      await docShown(next);
      assert(new URL(page.url()).searchParams.get('doc') === next, `URL ${page.url()}`);
    });

    await check('suggestions as you type: from the titles, chosen with the arrow keys and Enter', async () => {
      await page.goto(`${base}/`);
      await page.waitForFunction(() => !document.getElementById('examples-line').hidden);
      const examples = await page.$$eval('#examples a', (as) => as.map((a) => a.textContent));
      const api = await (await fetch(`${base}/suggest?q=&limit=6`)).json();
      assert(examples.length >= 1 && examples.join() === api.suggestions.join(), `examples ${examples.join(', ')}, API ${api.suggestions.join(', ')}`);
      await page.focus('#q');
      await page.keyboard.type('道路', { delay: 30 });
      await page.waitForSelector('#suggestions:not([hidden]) .suggestion');
      const items = await page.$$eval('#suggestions .suggestion', (lis) => lis.map((li) => li.dataset.text));
      const want = '道路交通安全条例';
      const i = items.indexOf(want);
      assert(i >= 0, `suggestions for 道路: ${items.join(', ')}`);
      assert(await page.getAttribute('#q', 'aria-expanded') === 'true', 'the combobox does not say it is open');
      for (let k = 0; k <= i; k++)
        await page.keyboard.press('ArrowDown');
      const active = await page.getAttribute('#q', 'aria-activedescendant');
      assert(active === `suggestion-${i}`, `active descendant ${active}`);
      await page.keyboard.press('Enter');
      const hits = await resultsFor(want);
      assert(await page.inputValue('#q') === want, `the box holds "${await page.inputValue('#q')}"`);
      assert(await page.isHidden('#suggestions'), 'the suggestions stayed open');
      assert(hits.length && hits[0].id === LAW_ID, `first result ${hits[0] && hits[0].id}`);
      /* Esc closes them, the text stays */
      await page.fill('#q', '');
      await page.keyboard.type('道路', { delay: 30 });
      await page.waitForSelector('#suggestions:not([hidden])');
      await page.keyboard.press('Escape');
      assert(await page.isHidden('#suggestions') && await page.inputValue('#q') === '道路', 'Esc did not just close them');
    });

    await check('an unreachable server is reported as such', async () => {
      await page.goto(`${base}/?q=${encodeURIComponent(Q1)}`);
      await resultsFor(Q1);
      await stopSearchd(sd);
      await page.fill('#q', '医保卡激活');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#message .message-box.offline');
      const msg = await page.textContent('#message');
      assert(msg.includes('无法连接'), `message "${msg}"`);
    });

    await check('no script errors on the page', async () => {
      assert(pageErrors.length === 0, pageErrors.join(' | '));
    });
  } finally {
    if (context)
      await context.close().catch(() => {});
    await stopSearchd(sd);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/* ctest's timeout or ^C: stop searchd before going */
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (running && running.proc.exitCode === null)
      running.proc.kill('SIGKILL');
    console.log(`browser: interrupted by ${sig}`);
    process.exit(1);
  });
}

let status = 0;
try {
  await main();
} catch (e) {
  console.log(`browser: ${e.message}`);
  results.push({ name: 'setup', ok: false });
  status = 1;
}
const failed = results.filter((r) => !r.ok).length;
if (opts && fs.existsSync(path.join(opts.out, 'browser-screenshot.png')))
  console.log(`browser: screenshots in ${opts.out}/browser-screenshot*.png`);
console.log(`browser: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed || status ? 1 : 0);
