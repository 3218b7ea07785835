// kernel_ext/jitprofile/widget.js - the profile widget's front end (anywidget
// ESM, no build step, no network).  The model holds the profile as interned
// tables (see kernel_ext/jitprofile/widget_data.py); this file draws a flame
// graph on a canvas (click to zoom, search, colours by category), a sortable
// hotspot table, a per-thread CPU timeline, the argument types and shapes of
// the selected function and the recommendations with Apply / Undo buttons
// (they send {type: "apply"|"undo", index} to the kernel).  A Dask cluster's
// profile (jitprofile.dask) adds "lanes": one timeline row per worker, a worker
// filter (flame graph and table of one worker) and a Workers column.  The same file is
// inlined by Profile.to_html() with a small read-only model.

const COLORS = { python: [76, 139, 214], native: [224, 123, 57], jit: [58, 166, 85],
                 gpu: [168, 85, 247], other: [150, 150, 150] };
const ROW = 18;

function h(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

function fmtS(w, iv) {
  const s = w * iv;
  return s >= 10 ? s.toFixed(1) + " s" : s >= 0.1 ? s.toFixed(2) + " s" : (s * 1e3).toFixed(0) + " ms";
}

// The functions of the model's interned tables.
function readFuncs(model) {
  const S = model.get("strings") || [];
  const F = model.get("funcs") || [];
  const funcs = [];
  for (let i = 0; i + 4 < F.length; i += 5)
    funcs.push({ name: S[F[i]] ?? "?", file: S[F[i + 1]] ?? "", module: S[F[i + 2]] ?? "",
                 line: F[i + 3], cat: S[F[i + 4]] ?? "other" });
  return funcs;
}

// The call tree's weights: all samples, a Dask task prefix's or a worker's.
function readWeights(model, lane, task) {
  const L = model.get("lanes") || {};
  const T = model.get("tasks") || {};
  return (task >= 0 && T.weights && T.weights[task]) ||
         (lane >= 0 && L.weights && L.weights[lane]) || model.get("weights") || [];
}

// The profile from the model: functions, and the call tree merged by
// function (a node's children keyed by function, whatever the line).
function readProfile(model, lane = -1, task = -1) {
  const N = model.get("nodes") || [];
  const W = readWeights(model, lane, task), funcs = readFuncs(model);
  const tree = [{ func: -1, parent: -1, self: 0, total: 0, kids: new Map() }];
  const map = [0];
  const n = Math.floor(N.length / 2);
  for (let i = 1; i < n; i++) {
    const p = map[N[2 * i]] ?? 0, f = N[2 * i + 1];
    let m = tree[p].kids.get(f);
    if (m === undefined) {
      m = tree.length;
      tree.push({ func: f, parent: p, self: 0, total: 0, kids: new Map() });
      tree[p].kids.set(f, m);
    }
    map.push(m);
  }
  for (let i = 0; i < n && i < W.length; i++) tree[map[i]].self += W[i];
  for (let i = tree.length - 1; i >= 0; i--) {
    tree[i].total += tree[i].self;
    if (i) tree[tree[i].parent].total += tree[i].total;
  }
  return { funcs, tree };
}

function color(cat, dim, idx) {
  const c = COLORS[cat] || COLORS.other;
  const v = ((idx * 37) % 30) - 15;             // a little variation between neighbours
  const a = dim ? 0.25 : 1;
  return `rgba(${c[0] + v},${c[1] + v},${c[2] + v},${a})`;
}

// -- memory timeline (Profile(memory=True)): live bytes on the CPU timeline's
// buckets, bytes allocated per bucket, and the lines that allocated most ----
function fmtBytes(b) {
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(1)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(0)} kB`;
  return `${Math.round(b)} B`;
}

function memoryView() {
  const canvas = h("canvas", { class: "jp-memory" });
  const head = h("h4", {}, "Memory (live bytes, allocations per interval)");
  const rows = h("table", { class: "jp-memory-rows" });
  const box = h("div", { class: "jp-memory-box", style: "display: none" }, head, canvas, rows);
  function draw(mem, sibling) {
    mem = mem || { live: [] };
    if (!mem.live || !mem.live.length) { box.style.display = "none"; canvas.dataset.buckets = "0"; return; }
    box.style.display = "";
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(200, (sibling && sibling.parentElement.clientWidth - 8) || 400);
    const label = 120, height = 70, plotH = 52;
    canvas.width = width * dpr; canvas.height = height * dpr;
    canvas.style.width = width + "px"; canvas.style.height = height + "px";
    const g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = "11px sans-serif"; g.textBaseline = "middle";
    const nb = mem.live.length, bw = (width - label) / nb;
    const top = Math.max(1, mem.peak, ...mem.live), amax = Math.max(1, ...mem.alloc);
    g.fillStyle = "#333";
    g.fillText(`peak ${fmtBytes(mem.peak)}`, 2, 10);
    g.fillText(`total ${fmtBytes(mem.total)}`, 2, 26);
    g.fillStyle = "#eee"; g.fillRect(label, 0, width - label, plotH);
    mem.alloc.forEach((a, i) => {                 // allocation rate: pale bars
      if (a <= 0) return;
      const hgt = plotH * a / amax;
      g.fillStyle = "rgba(230, 150, 40, 0.35)";
      g.fillRect(label + i * bw, plotH - hgt, Math.max(bw, 1), hgt);
    });
    g.strokeStyle = "rgb(200, 90, 20)"; g.lineWidth = 1.5; g.beginPath();
    mem.live.forEach((v, i) => {                  // live bytes: a step line
      const y = plotH - plotH * v / top;
      if (i === 0) g.moveTo(label, y); else g.lineTo(label + i * bw, y);
      g.lineTo(label + (i + 1) * bw, y);
    });
    g.stroke();
    g.fillStyle = "#555"; g.textAlign = "left";
    g.fillText("0 s", label, height - 6);
    g.textAlign = "right";
    g.fillText(`${(nb * mem.bucket).toFixed(2)} s`, width - 2, height - 6);
    g.textAlign = "left";
    canvas.dataset.buckets = String(nb);
    canvas.dataset.peak = String(mem.peak);
    rows.replaceChildren(h("tr", {}, h("th", {}, "line"), h("th", {}, "allocated"),
                               h("th", {}, "peak live"), h("th", {}, "count")));
    for (const [fn, file, line, bytes, peak, count] of mem.rows || [])
      rows.append(h("tr", { "data-line": `${file.split("/").pop()}:${line}` },
        h("td", { class: "jp-code" }, `${fn} (${file.split("/").pop()}:${line})`),
        h("td", {}, fmtBytes(bytes)), h("td", {}, fmtBytes(peak)), h("td", {}, String(count))));
  }
  return { box, draw };
}

// -- the "your code" view (model trait "yourcode": kernel_ext/jitprofile/yourcode.py
// folds library, interpreter and native frames into the calling user frame) --

// A C++ signature without its argument list (the full one goes in a tooltip);
// the same rule as yourcode.short_name.
function shortName(name) {
  if (!name || name.indexOf("(") < 0 || name[0] === "<" || name[0] === "[" || name.endsWith(">")) return name;
  let depth = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === "<") depth++;
    else if (c === ">") depth--;
    else if (c === "(" && depth === 0 && i > 0) {
      let head = name.slice(0, i);
      if (!head.trimEnd().endsWith("operator")) {
        let d = 0, cut = 0;
        for (let j = 0; j < head.length; j++) {       // a return type before the name
          d += (head[j] === "<") - (head[j] === ">");
          if (head[j] === " " && d === 0) cut = j + 1;
        }
        head = head.slice(cut);
      }
      return head || name;
    }
  }
  return name;
}

// The folded call tree: user functions, with a "group" pseudo-function per
// library/native label under them (funcs[i].group), merged by function as
// readProfile merges; weights (all, a lane's or a task's) folded through the map.
function readYourCode(model, lane = -1, task = -1) {
  const Y = model.get("yourcode") || {};
  if (!Y.nodes || !Y.map) return null;
  const W = readWeights(model, lane, task), funcs = readFuncs(model);
  const nf = funcs.length;
  const labels = Y.labels || {};
  (Y.groups || []).forEach(([label, cat]) =>
    funcs.push({ name: label, file: "", module: label, line: 0, cat, group: true }));
  const tree = [{ func: -1, parent: -1, self: 0, total: 0, kids: new Map() }];
  const map = [0];
  const n = Math.floor(Y.nodes.length / 2);
  for (let i = 1; i < n; i++) {
    const p = map[Y.nodes[2 * i]] ?? 0, code = Y.nodes[2 * i + 1];
    const f = code >= 0 ? code : nf + (-code - 1);
    let m = tree[p].kids.get(f);
    if (m === undefined) {
      m = tree.length;
      tree.push({ func: f, parent: p, self: 0, total: 0, kids: new Map() });
      tree[p].kids.set(f, m);
    }
    map.push(m);
  }
  for (let i = 0; i < W.length && i < Y.map.length; i++)
    if (W[i]) tree[map[Y.map[i]] ?? 0].self += W[i];
  for (let i = tree.length - 1; i >= 0; i--) {
    tree[i].total += tree[i].self;
    if (i) tree[tree[i].parent].total += tree[i].total;
  }
  return { funcs, tree, folded: true, labels };
}

// The your-code table's rows from the folded tree: per user function, its own
// time, the library/native time folded into it (by label) and its total
// (counted once under recursion); the time outside any user frame apart.
function yourCodeRows(prof) {
  const { funcs, tree } = prof;
  const per = new Map(), outside = new Map();
  const row = (f) => {
    let r = per.get(f);
    if (!r) per.set(f, r = { fi: f, own: 0, total: 0, folded: new Map() });
    return r;
  };
  for (let i = 1; i < tree.length; i++) {
    const n = tree[i], f = funcs[n.func];
    if (f.group) {
      if (n.parent === 0) outside.set(f.name, (outside.get(f.name) || 0) + n.total);
      else { const r = row(tree[n.parent].func); r.folded.set(f.name, (r.folded.get(f.name) || 0) + n.total); }
      continue;
    }
    const r = row(n.func);
    r.own += n.self;
    let p = n.parent, rec = false;
    for (; p > 0; p = tree[p].parent) if (tree[p].func === n.func) { rec = true; break; }
    if (!rec) r.total += n.total;
  }
  const rows = [...per.values()].filter((r) => r.total > 0);
  for (const r of rows) {
    r.folded = [...r.folded.entries()].filter((e) => e[1] > 0).sort((a, b) => b[1] - a[1]);
    r.self = r.own + r.folded.reduce((a, e) => a + e[1], 0);
  }
  return { rows, outside: [...outside.entries()].sort((a, b) => b[1] - a[1]) };
}

// Single-child runs to draw as one "…" box: node -> the run's last node (the
// first one drawn again); a run holds < 5% of the shown total, or is long
// (>= 12 frames: a framework's call chain), and has >= 3 frames to hide.
function foldedChains(tree, from, expanded) {
  const out = new Map();
  const shown = tree[from].total || 1;
  (function walk(i) {
    if (i !== from) {
      let j = i, len = 0;
      while (tree[j].kids.size === 1) { j = tree[j].kids.values().next().value; len++; }
      if (len >= 3 && (tree[i].total < 0.05 * shown || len >= 12)) {
        if (!expanded.has(i)) out.set(i, j);      // an opened run stays open as a whole
        walk(j);
        return;
      }
    }
    for (const k of tree[i].kids.values()) walk(k);
  })(from);
  return out;
}

// The share of the samples under frames whose name matches q (a frame under
// a matched frame counted once).
function matchedShare(prof, q) {
  if (!q) return 0;
  const { funcs, tree } = prof;
  let matched = 0;
  (function walk(i) {
    const f = funcs[tree[i].func];
    if (i && f && f.name.toLowerCase().includes(q)) { matched += tree[i].total; return; }
    for (const k of tree[i].kids.values()) walk(k);
  })(0);
  return matched / (tree[0].total || 1);
}

function render({ model, el }) {
  const st = { zoom: 0, search: "", selected: -1, sortKey: "self", sortDir: -1, prof: null, lane: -1, task: -1 };
  st.view = "yours"; st.expanded = new Set();    // your code first (yourcode.py); "…" boxes opened
  const title = h("span", { class: "jp-title" });
  const status = h("span", { class: "jp-status" });
  const search = h("input", { type: "search", placeholder: "search functions", class: "jp-search" });
  const reset = h("button", { class: "jp-reset", title: "show the whole profile" }, "Reset zoom");
  const workerSel = h("select", { class: "jp-worker", title: "one worker or the whole cluster", style: "display: none" });
  workerSel.addEventListener("change", () => { st.lane = Number(workerSel.value); st.task = -1; st.zoom = 0; redraw(); });
  // a Dask cluster's task filter (one task key prefix; the worker filter goes back to all)
  const taskSel = h("select", { class: "jp-task", title: "one kind of Dask task (key prefix) or all", style: "display: none" });
  taskSel.addEventListener("change", () => { st.task = Number(taskSel.value); st.lane = -1; st.zoom = 0; redraw(); });
  const flame = h("canvas", { class: "jp-flame" });
  const tip = h("div", { class: "jp-tip" });
  const legend = h("div", { class: "jp-legend" });
  for (const [k, c] of Object.entries(COLORS))
    if (k !== "other") legend.append(h("span", { style: `background: rgb(${c})` }), k);
  const table = h("table", { class: "jp-hot" });
  const timeline = h("canvas", { class: "jp-timeline" });
  const memory = memoryView();
  const args = h("div", { class: "jp-args" });
  const recs = h("div", { class: "jp-recs" });
  const source = h("div", { class: "jp-source" });
  const kernelState = stateView(model);        // a cell's error, what is applied in the kernel
  const root = h("div", { class: "jp-prof" },
    h("div", { class: "jp-head" }, title, status, search, workerSel, taskSel, reset, legend),
    kernelState.box,
    h("div", { class: "jp-flame-box" }, flame, tip),
    h("div", { class: "jp-cols" },
      h("div", { class: "jp-col" }, h("h4", {}, "Hotspots"), h("div", { class: "jp-hot-box" }, table)),
      h("div", { class: "jp-col" }, h("h4", {}, "Threads (CPU per interval)"), timeline,
        memory.box,
        h("h4", {}, "Arguments of the selected function"), args)),
    h("h4", {}, "Source of the selected function (time per line)"), source,
    h("h4", {}, "Recommendations"), recs);
  el.append(root);
  exportButton(model, root);
  // the view toggle (your code / every native frame) and the search's matched share
  const viewBtn = h("button", { class: "jp-view", title: "your code only, library and native time folded into it, or every frame" }, "Show native detail");
  const matchedEl = h("span", { class: "jp-matched jp-muted" });
  search.after(matchedEl);
  reset.before(viewBtn);
  viewBtn.addEventListener("click", () => {
    st.view = st.view === "yours" ? "all" : "yours"; st.zoom = 0; st.expanded.clear(); redraw();
  });
  let rects = [];

  // -- flame graph ---------------------------------------------------------
  // An icicle (the root on top); its height fits the boxes drawn, so the first
  // screen is never blank: long single-child runs are one "…" box (click:
  // expand), a zoomed subtree shows at most 3 callers above it.
  function drawFlame() {
    const { funcs, tree } = st.prof;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(300, flame.parentElement.clientWidth || 800);
    const chain = [];
    for (let z = st.zoom; z > 0; z = tree[z].parent) chain.unshift(z);
    const q = st.search.toLowerCase();
    const boxes = [];
    let maxd = 0;
    const bar = (i, x, w, d, label, fold) => { boxes.push({ i, x, w, d, label, fold }); maxd = Math.max(maxd, d); };
    bar(0, 0, width, 0, `all (${fmtS(tree[0].total, model.get("interval"))})`);
    const callers = chain.slice(0, -1);
    let zd = 1;
    if (callers.length > 3)
      bar(callers[callers.length - 4], 0, width, zd++, `… ${callers.length - 3} callers (click: zoom out)`);
    for (const n of callers.slice(-3)) bar(n, 0, width, zd++, shortName(funcs[tree[n].func].name));
    if (!st.zoom) zd = 0;
    const scale = width / (tree[st.zoom].total || 1);
    const folds = foldedChains(tree, st.zoom, st.expanded);
    const hottest = [];
    (function layout(i, x, d) {
      const f = funcs[tree[i].func];
      const w = tree[i].total * scale;
      if (i !== 0 && f) hottest.push([tree[i].self, f.name]);
      const end = folds.get(i);
      if (end !== undefined && w >= 0.5) {
        let len = 0;
        for (let j = i; j !== end; j = tree[j].kids.values().next().value) len++;
        bar(i, x, w, d, `… ${len} frames: ${shortName(f.name)} …`, true);
        layout(end, x, d + 1);
        return;
      }
      if (i !== 0 && w >= 0.5) bar(i, x, w, d, shortName(f.name));
      const kids = [...tree[i].kids.values()].sort((a, b) =>
        funcs[tree[a].func].name.localeCompare(funcs[tree[b].func].name));
      let cx = x;
      for (const k of kids) { if (w >= 0.5) layout(k, cx, d + 1); cx += tree[k].total * scale; }
    })(st.zoom, 0, zd);
    const height = Math.max(3, maxd + 1) * ROW + 4;
    flame.width = width * dpr; flame.height = height * dpr;
    flame.style.width = width + "px"; flame.style.height = height + "px";
    const g = flame.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = "12px sans-serif"; g.textBaseline = "middle";
    rects = [];
    const y0 = (d) => 2 + d * ROW;
    const pub = [];
    for (const { i, x, w, d, label, fold } of boxes) {
      const f = funcs[tree[i].func];
      const hit = q && f && !fold && f.name.toLowerCase().includes(q);
      g.fillStyle = i === 0 ? "#bbb" : fold ? "#ddd" : color(f ? f.cat : "other", q && !hit, tree[i].func);
      g.fillRect(x, y0(d), Math.max(w - 1, 0.5), ROW - 1);
      if (hit) { g.strokeStyle = "#d00"; g.lineWidth = 2; g.strokeRect(x + 1, y0(d) + 1, w - 3, ROW - 3); }
      if (w > 30) {
        g.fillStyle = f && f.group ? "#333" : "#111";
        let t = label;
        while (t.length > 1 && g.measureText(t).width > w - 6) t = t.slice(0, -2);
        if (t !== label) t += "…";
        g.fillText(t, x + 3, y0(d) + ROW / 2);
      }
      rects.push({ x, y: y0(d), w, i, fold: !!fold });
      if (w >= 2 && pub.length < 400)
        pub.push([fold ? "…" : i === 0 ? "all" : f.name, Math.round(x), y0(d), Math.round(w), ROW - 1]);
    }
    hottest.sort((a, b) => b[0] - a[0]);
    if (st.prof.folded) {                       // your code: the top user function (own + folded time)
      const yr = yourCodeRows(st.prof).rows.sort((a, b) => b.self - a.self);
      flame.dataset.hottest = yr.length ? funcs[yr[0].fi].name : "";
    } else flame.dataset.hottest = hottest.length ? hottest[0][1] : "";
    flame.dataset.frames = String(rects.length);
    flame.dataset.zoom = st.zoom ? funcs[tree[st.zoom].func].name : "";
    flame.dataset.view = st.prof.folded ? "yours" : "all";
    flame.dataset.folds = String(boxes.filter((b) => b.fold).length);
    flame.dataset.boxes = JSON.stringify(pub);    // [name, x, y, w, h] in CSS px of the canvas
    const share = matchedShare(st.prof, q);
    status.dataset.matched = q ? (100 * share).toFixed(1) : "";
    matchedEl.textContent = q ? `matched ${(100 * share).toFixed(share < 0.1 ? 1 : 0)}% of samples` : "";
  }

  flame.addEventListener("mousemove", (ev) => {
    const r = flame.getBoundingClientRect();
    const x = ev.clientX - r.left, y = ev.clientY - r.top;
    const hit = rects.find((b) => x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + ROW);
    if (!hit || !st.prof) { tip.style.display = "none"; return; }
    const { funcs, tree } = st.prof;
    const n = tree[hit.i], f = funcs[n.func];
    const tot = tree[0].total || 1, iv = model.get("interval");
    tip.textContent = hit.i === 0 ? `all: ${fmtS(n.total, iv)}` :
      `${f.name} (${f.cat}) ${f.group ? "library/native time folded in" : (st.prof.labels && st.prof.labels[String(n.func)]) || f.file + ":" + f.line} - total ${fmtS(n.total, iv)} ` +
      `(${(100 * n.total / tot).toFixed(1)}%), self ${fmtS(n.self, iv)}`;
    tip.style.display = "block";
    tip.style.left = Math.min(x + 12, r.width - 320) + "px";
    tip.style.top = (y + 14) + "px";
  });
  flame.addEventListener("mouseleave", () => { tip.style.display = "none"; });
  flame.addEventListener("click", (ev) => {
    const r = flame.getBoundingClientRect();
    const x = ev.clientX - r.left, y = ev.clientY - r.top;
    const hit = rects.find((b) => x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + ROW);
    if (!hit) return;
    if (hit.fold) { st.expanded.add(hit.i); drawFlame(); return; }      // a "…" box: open the run
    st.zoom = hit.i;
    if (hit.i) st.selected = st.prof.tree[hit.i].func;
    redraw();
    if (flame.getBoundingClientRect().top < 0) flame.scrollIntoView({ block: "start" });   // the zoomed subtree in view
  });
  reset.addEventListener("click", () => { st.zoom = 0; st.expanded.clear(); redraw(); });
  search.addEventListener("input", () => { st.search = search.value; drawFlame(); drawTable(); });

  // -- hotspot table -------------------------------------------------------
  const COLS = [["name", "Function"], ["self", "Self"], ["total", "Total"], ["calls", "Calls"],
                ["cat", "Category"], ["where", "File:line"]];
  function drawTable() {
    if (st.prof.folded) return drawYourTable();
    const { funcs } = st.prof;
    const iv = model.get("interval"), all = model.get("total") || 1;
    const lanes = (model.get("lanes") || {}).names || [];
    const cols = lanes.length ? [...COLS.slice(0, 5), ["workers", "Workers"], COLS[5]] : COLS;
    const rows = [];
    for (const [fi, self0, total, calls, _n, per] of model.get("hot") || []) {
      const f = funcs[fi] || { name: "?", file: "", line: 0, cat: "other" };
      let self = st.lane >= 0 && per ? per[st.lane] : self0;
      if (st.lane >= 0 && per && !self && !st.prof.tree.some((n) => n.func === fi && n.total)) continue;
      if (st.task >= 0) {         // the task's own samples: self time from its call tree
        self = st.prof.tree.reduce((a, n) => a + (n.func === fi ? n.self : 0), 0);
        if (!self && !st.prof.tree.some((n) => n.func === fi && n.total)) continue;
      }
      const sum = per ? per.reduce((a, b) => a + b, 0) || 1 : 1;
      const workers = per ? lanes.map((n, i) => per[i] ? `${n}: ${(100 * per[i] / sum).toFixed(0)}%` : "").filter(Boolean).join(", ") : "";
      const pane = (model.get("lines") || {})[String(fi)];
      const loop = pane && pane.hot_loop ? pane.hot_loop : null;   // [line, "vectorized x4" | "scalar: ..."]
      rows.push({ fi, name: f.name, self, total, calls, cat: f.cat, workers, loop,
                  where: placeText(f.file, f.line), file: f.file, line: f.line });
    }
    const k = st.sortKey, dir = st.sortDir;
    rows.sort((a, b) => (a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : 0) * dir || b.self - a.self);
    const q = st.search.toLowerCase();
    table.replaceChildren(h("tr", {}, ...cols.map(([key, label]) => h("th", {
      class: key === k ? (dir < 0 ? "jp-down" : "jp-up") : "", "data-key": key,
      onclick: () => { st.sortDir = st.sortKey === key ? -st.sortDir : (key === "name" || key === "cat" || key === "where" ? 1 : -1);
                       st.sortKey = key; drawTable(); } }, label))));
    for (const r of rows) {
      if (q && !r.name.toLowerCase().includes(q)) continue;
      const tr = h("tr", { class: r.fi === st.selected ? "jp-sel" : "", "data-func": r.name,
                           onclick: () => { st.selected = r.fi; drawTable(); drawArgs(); drawSource(); } },
        h("td", { class: "jp-name", title: r.name }, h("span", { class: "jp-dot", style: `background: ${color(r.cat, false, 0)}` }), shortName(r.name),
          ...(r.loop ? [h("div", { class: "jp-loop-note jp-muted", "data-loop": r.loop[1],
                                   title: `hottest loop, line ${r.loop[0]}: ${r.loop[1]}` },
                          `loop ${r.loop[0]}: ${r.loop[1]}`)] : [])),
        h("td", {}, `${fmtS(r.self, iv)} (${(100 * r.self / all).toFixed(1)}%)`),
        h("td", {}, `${fmtS(r.total, iv)} (${(100 * r.total / all).toFixed(1)}%)`),
        h("td", { class: "jp-calls" }, fmtCalls(r.calls, model)),
        h("td", {}, r.cat), ...(lanes.length ? [h("td", { class: "jp-workers" }, r.workers)] : []),
        h("td", { class: "jp-where", title: `${r.file}:${r.line}` }, r.where));
      table.append(tr);
    }
  }

  // -- the your-code table: user functions, self = own + folded library time,
  // the folded labels beneath each (share of its self time) ------------------
  function drawYourTable() {
    const { funcs, labels } = st.prof;
    const iv = model.get("interval"), all = st.prof.tree[0].total || 1;
    const laneNames = (model.get("lanes") || {}).names || [];
    const cols = laneNames.length ? [...COLS.slice(0, 5), ["workers", "Workers"], COLS[5]] : COLS;
    const calls = new Map((model.get("hot") || []).map((r) => [r[0], r[3]]));
    const perLane = laneNames.length && st.lane < 0 ? laneNames.map((_n, l) => {
      const m = new Map();
      for (const r of yourCodeRows(readYourCode(model, l, -1)).rows) m.set(r.fi, r.self);
      return m;
    }) : null;
    const { rows, outside } = yourCodeRows(st.prof);
    for (const r of rows) {
      const f = funcs[r.fi];
      const pane = (model.get("lines") || {})[String(r.fi)];
      Object.assign(r, { name: f.name, cat: f.cat, calls: calls.has(r.fi) ? calls.get(r.fi) : -1,
        loop: pane && pane.hot_loop ? pane.hot_loop : null, file: f.file, line: f.line,
        where: labels[String(r.fi)] || `${f.file.split("/").pop()}:${f.line}` });
      if (perLane) {
        const per = perLane.map((m) => m.get(r.fi) || 0), sum = per.reduce((a, b) => a + b, 0) || 1;
        r.workers = laneNames.map((n, i) => per[i] ? `${n}: ${(100 * per[i] / sum).toFixed(0)}%` : "").filter(Boolean).join(", ");
      } else r.workers = "";
    }
    const k = st.sortKey, dir = st.sortDir;
    rows.sort((a, b) => (a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : 0) * dir || b.self - a.self);
    const q = st.search.toLowerCase();
    table.dataset.view = "yours";
    table.replaceChildren(h("tr", {}, ...cols.map(([key, label]) => h("th", {
      class: key === k ? (dir < 0 ? "jp-down" : "jp-up") : "", "data-key": key,
      title: key === "self" ? "own time + the library and native time folded into it" : "",
      onclick: () => { st.sortDir = st.sortKey === key ? -st.sortDir : (key === "name" || key === "cat" || key === "where" ? 1 : -1);
                       st.sortKey = key; drawTable(); } }, label))));
    const pct = (w) => `${fmtS(w, iv)} (${(100 * w / all).toFixed(1)}%)`;
    for (const r of rows) {
      if (q && !r.name.toLowerCase().includes(q)) continue;
      table.append(h("tr", { class: "jp-user" + (r.fi === st.selected ? " jp-sel" : ""), "data-func": r.name, "data-kind": "user",
                             onclick: () => { st.selected = r.fi; drawTable(); drawArgs(); drawSource(); } },
        h("td", { class: "jp-name", title: r.name }, h("span", { class: "jp-dot", style: `background: ${color(r.cat, false, 0)}` }), shortName(r.name),
          ...(r.loop ? [h("div", { class: "jp-loop-note jp-muted", "data-loop": r.loop[1],
                                   title: `hottest loop, line ${r.loop[0]}: ${r.loop[1]}` },
                          `loop ${r.loop[0]}: ${r.loop[1]}`)] : [])),
        h("td", { title: `own ${fmtS(r.own, iv)}` }, pct(r.self)), h("td", {}, pct(r.total)),
        h("td", { class: "jp-calls" }, fmtCalls(r.calls, model)),
        h("td", {}, r.cat), ...(laneNames.length ? [h("td", { class: "jp-workers" }, r.workers)] : []),
        h("td", { class: "jp-where", title: `${r.file}:${r.line}` }, r.where)));
      for (const [label, w] of r.folded.slice(0, 4))
        table.append(h("tr", { class: "jp-folded", "data-folded": label, "data-parent": r.name, "data-weight": String(w),
                               title: `${label}: library/native time under ${r.name} (${(100 * w / (r.self || 1)).toFixed(0)}% of its self time)` },
          h("td", { class: "jp-name jp-muted" }, `\u21b3 ${label} ${(100 * w / (r.self || 1)).toFixed(0)}%`),
          h("td", { class: "jp-muted" }, pct(w)), h("td", {}, ""), h("td", {}, ""), h("td", {}, ""),
          ...(laneNames.length ? [h("td", {}, "")] : []), h("td", {}, "")));
    }
    const rest = outside.reduce((a, e) => a + e[1], 0);
    if (rest && !q)
      table.append(h("tr", { class: "jp-outside", title: outside.map(([l, w]) => `${l} ${fmtS(w, iv)}`).join(", ") },
        h("td", { class: "jp-name jp-muted" }, `outside your functions: ${outside.slice(0, 2).map((e) => e[0]).join(", ")}`),
        h("td", { class: "jp-muted" }, pct(rest)), h("td", {}, ""), h("td", {}, ""), h("td", {}, ""),
        ...(laneNames.length ? [h("td", {}, "")] : []), h("td", {}, "")));
  }

  // -- per-thread timeline ---------------------------------------------------
  function drawTimeline() {
    const tl = model.get("timeline") || { bucket: 0.05, threads: [] };
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(200, timeline.parentElement.clientWidth - 8 || 400);
    const rowH = 22, label = 120;
    const height = Math.max(1, tl.threads.length) * (rowH + 2) + 16;
    timeline.width = width * dpr; timeline.height = height * dpr;
    timeline.style.width = width + "px"; timeline.style.height = height + "px";
    const g = timeline.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = "11px sans-serif"; g.textBaseline = "middle";
    const nb = Math.max(1, ...tl.threads.map((t) => t[3].length));
    const bw = (width - label) / nb;
    tl.threads.forEach(([name, pid, tid, vals], r) => {
      const y = r * (rowH + 2);
      g.fillStyle = "#333";
      g.fillText((tid === -1 ? `worker ${name}` : `${name || "thread"} ${tid}`).slice(0, 18), 2, y + rowH / 2);
      g.fillStyle = "#eee"; g.fillRect(label, y, width - label, rowH);
      vals.forEach((v, i) => {
        if (v <= 0) return;
        const c = Math.min(1, v);   // a worker's lane: its threads' sum, capped
        g.fillStyle = `rgba(58, 110, 200, ${0.15 + 0.85 * c})`;
        g.fillRect(label + i * bw, y + rowH * (1 - c), Math.max(bw, 1), rowH * c);
      });
    });
    g.fillStyle = "#555";
    g.textAlign = "left";
    g.fillText("0 s", label, height - 6);
    g.textAlign = "right";
    g.fillText(`${(nb * tl.bucket).toFixed(2)} s (${(1000 * tl.bucket).toFixed(0)} ms per bar)`, width - 2, height - 6);
    g.textAlign = "left";
    timeline.dataset.threads = String(tl.threads.length);
    timeline.dataset.lanes = tl.threads.filter((t) => t[2] === -1).map((t) => t[0]).join(",");
  }

  // -- arguments of the selected function ------------------------------------
  function drawArgs() {
    const { funcs } = st.prof;
    let fi = st.selected;
    const all = model.get("args") || {};
    if (fi < 0) {                               // default: the hottest function with arguments
      const hot = model.get("hot") || [];
      const withArgs = hot.filter((r) => all[String(r[0])]).sort((a, b) => b[1] - a[1]);
      fi = withArgs.length ? withArgs[0][0] : -1;
    }
    const f = funcs[fi];
    const sigs = all[String(fi)] || [];
    args.replaceChildren();
    if (!f) { args.append(h("em", {}, "select a function in the flame graph or the table")); return; }
    args.dataset.func = f.name;
    args.append(h("div", { class: "jp-args-name" }, `${f.name}  (${placeText(f.file, f.line)})`));
    if (!sigs.length) { args.append(h("em", {}, "no recorded calls (not hot, or still running)")); return; }
    const t = h("table", {}, h("tr", {}, h("th", {}, "signature"), h("th", {}, "calls"),
                                      h("th", {}, "share"), h("th", {}, "shapes")));
    for (const [sig, calls, share, shapes] of sigs)
      t.append(h("tr", {}, h("td", { class: "jp-code" }, sig), h("td", {}, String(calls)),
                 h("td", {}, `${(100 * share).toFixed(0)}%`), h("td", { class: "jp-code" }, shapes)));
    args.append(t);
  }

  // -- recommendations ---------------------------------------------------------
  function drawRecs() {
    const list = model.get("recs") || [];
    recs.replaceChildren();
    if (!list.length) {
      recs.append(h("em", {}, model.get("status") === "running" ? "after the cell ends" : "none"));
      return;
    }
    list.forEach((r) => {
      const head = h("div", { class: "jp-rec-head" },
        h("b", {}, `${r.kind}`), ` ${r.function} `,
        h("span", { class: "jp-muted" }, `${(100 * r.share).toFixed(0)}% of the time - ${r.why || ""}`));
      const box = h("div", { class: "jp-rec", "data-function": r.function, "data-kind": r.kind }, head);
      head.addEventListener("click", () => selectByName(r.function));
      const line = h("div", { class: "jp-rec-line" });
      if (r.speedup) line.append(h("span", { class: "jp-speedup" }, `measured speedup ${r.speedup.toFixed(1)}x`));
      else if (r.reason) line.append(h("span", { class: "jp-muted" }, r.reason));
      if (r.applicable && !r.applied)
        line.append(h("button", { class: "jp-apply", onclick: (e) => { e.target.disabled = true; e.target.textContent = "Applying…"; model.send({ type: "apply", index: r.index }); } }, "Apply"));
      if (r.applicable && r.kind === "jit" && !(r.applied && (r.kept || r.kept === undefined)))
        line.append(keepButton(r, model));
      if (r.applied)
        line.append(h("button", { class: "jp-undo", onclick: (e) => { e.target.disabled = true; model.send({ type: "undo", index: r.index }); } }, "Undo"));
      if (r.message) line.append(h("span", { class: messageClass(r), "data-kind": r.message_kind || "" }, r.message));
      box.append(line);
      if (r.code) box.append(h("details", {}, h("summary", {}, "code"), h("pre", { class: "jp-code" }, r.code)));
      recs.append(box);
    });
  }

  function drawWorkers() {
    const names = (model.get("lanes") || {}).names || [];
    workerSel.style.display = names.length ? "" : "none";
    if (workerSel.options.length !== names.length + 1)
      workerSel.replaceChildren(h("option", { value: "-1" }, "all workers"),
        ...names.map((n, i) => h("option", { value: String(i) }, `worker ${n}`)));
    workerSel.value = String(st.lane < names.length ? st.lane : -1);
  }

  function drawTasks() {
    const names = (model.get("tasks") || {}).names || [];
    taskSel.style.display = names.length ? "" : "none";
    const cur = st.task >= 0 ? taskSel.options[st.task + 1]?.textContent : null;
    if (taskSel.options.length !== names.length + 1 ||
        names.some((n, i) => taskSel.options[i + 1].textContent !== `task ${n}`))
      taskSel.replaceChildren(h("option", { value: "-1" }, "all tasks"),
        ...names.map((n, i) => h("option", { value: String(i) }, `task ${n}`)));
    // the prefixes are ranked by weight: keep the chosen one by name
    st.task = cur ? names.indexOf(cur.slice(5)) : -1;
    taskSel.value = String(st.task);
  }

  function redraw() {
    drawWorkers();
    drawTasks();
    st.prof = (st.view === "yours" && readYourCode(model, st.lane, st.task)) || readProfile(model, st.lane, st.task);
    viewBtn.style.display = (model.get("yourcode") || {}).map ? "" : "none";
    viewBtn.textContent = st.prof.folded ? "Show native detail" : "Your code only";
    viewBtn.dataset.view = st.prof.folded ? "yours" : "all";
    if (st.zoom >= st.prof.tree.length) st.zoom = 0;
    title.textContent = model.get("title") || "jitprofile";
    const iv = model.get("interval");
    status.textContent = statusText(model) || `${model.get("status")} - ${fmtS(model.get("total") || 0, iv)} sampled, ` +
      `${model.get("elapsed").toFixed(1)} s, update ${model.get("updates")}`;
    status.dataset.updates = String(model.get("updates"));
    status.dataset.state = model.get("status");
    kernelState.draw();
    drawFlame(); drawTable(); drawTimeline(); memory.draw(model.get("memory"), timeline); drawArgs(); drawRecs(); drawSource();
    drawFigures(model, recs);
  }

  // -- the selected function's source ------------------------------------------
  function selectByName(name) {
    const fi = findFunction(st.prof.funcs, model.get("lines") || {}, name);
    if (fi < 0) return;
    st.selected = fi;
    drawTable(); drawArgs(); drawSource();
  }

  function drawSource() {
    const panes = model.get("lines") || {};
    let fi = st.selected;
    if (fi < 0) fi = hottestPane(panes);       // default: the function with the hottest lines
    sourcePane(source, st.prof.funcs, panes, fi, model.get("interval"),
               model.get("status") === "running");
  }

  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; redraw(); });
  };
  const events = ["strings", "funcs", "nodes", "weights", "hot", "timeline", "args", "recs",
                  "status", "updates", "title", "lanes", "lines", "memory", "tasks", "numbers",
                  "error", "applied"];
  for (const e of events) model.on(`change:${e}`, schedule);
  const ro = typeof ResizeObserver !== "undefined" ? new ResizeObserver(schedule) : null;
  if (ro) ro.observe(root);
  redraw();
  return () => {
    for (const e of events) model.off(`change:${e}`, schedule);
    if (ro) ro.disconnect();
  };
}

// -- the frozen figures (model trait "numbers": kernel_ext/jitprofile/figures.py) --

// A call count: exact as is; a sampled estimate rounded and marked "~"; a
// lower bound (-(n + 1): too few calls seen) as "\u2265n" (figures.fmt_calls).
function fmtCalls(n, model) {
  if (n === undefined || n === -1) return "";
  if (n < -1) return `\u2265${(-n - 1).toLocaleString("en-US")}`;    // too few seen: a lower bound
  if (!(model.get("numbers") || {}).calls_estimated) return n.toLocaleString("en-US");
  if (n >= 1e6) return `~${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `~${(n / 1e3).toFixed(0)}k`;
  if (n >= 1e3) return `~${(n / 1e3).toFixed(1)}k`;
  return `~${n}`;
}

// "done · cell 2.93 s · sampled 2.90 s (2,900 samples) · advisor measured
// 0.90 s after the cell", once the profile has ended ("" before).
function statusText(model) {
  const nums = model.get("numbers") || {};
  if (!nums.status || model.get("status") === "running") return "";
  return `${model.get("status")} \u00b7 ${nums.status}`;
}

// After the recommendations are drawn: the too-short note (no advice then),
// each measured speedup labelled with what was timed, and the cell-level
// projection (Amdahl, from the profile's shares) next to it.
function drawFigures(model, recs) {
  const nums = model.get("numbers") || {};
  const status = model.get("status");
  const head = recs.parentElement && recs.parentElement.querySelector(".jp-head .jp-status");
  if (head) {
    head.dataset.samples = nums.samples !== undefined ? String(nums.samples) : "";
    head.dataset.shortProfile = nums.too_short ? "1" : "";
  }
  if (status === "running") return;
  const list = model.get("recs") || [];
  if (nums.too_short && !list.length) {
    recs.replaceChildren(h("div", { class: "jp-too-short jp-muted" }, nums.too_short));
    return;
  }
  const proj = nums.projection || {};
  const boxes = [...recs.querySelectorAll(":scope > .jp-rec")];
  boxes.forEach((box, i) => {
    const r = list[i];
    if (!r) return;
    box.dataset.index = String(r.index);
    const sp = box.querySelector(".jp-speedup");
    if (sp && r.speedup) {
      sp.textContent = `measured speedup ${r.speedup.toFixed(1)}x (${r.function} alone, per call, on its recorded arguments)`;
      sp.title = "best-of timings of the function by itself, Python against compiled, " +
                 "on the arguments recorded in this cell (not the whole cell)";
    }
    // no @njit code for what does not compile: the card's code is the rewrite
    const det = box.querySelector(":scope > details");
    if (det && !r.applicable && r.kind === "jit" && r.code && !r.code.includes("@njit")) {
      det.querySelector("summary").textContent = "how to fix it";
      det.classList.add("jp-rewrite");
      det.open = true;
      const pre = det.querySelector("pre");
      if (pre) pre.style.whiteSpace = "pre-wrap";     // prose, not code: wrap it
    }
    const text = (proj.per || {})[String(r.index)];
    if (text && !box.querySelector(".jp-projection"))
      (box.querySelector(".jp-rec-line") || box).append(
        h("span", { class: "jp-projection jp-muted", title: "Amdahl: from the profile's shares" }, text));
  });
  if (proj.all && !recs.querySelector(".jp-projection-all"))
    recs.prepend(h("div", { class: "jp-projection-all" }, proj.all));
}

// The Export button: the kernel writes this widget's static page next to the
// notebook (widget_export.py) and answers with its path in "exported".
function exportButton(model, root) {
  const btn = h("button", { class: "jp-export", title: "save this view as a static HTML page next to the notebook" }, "Export");
  const where = h("span", { class: "jp-exported jp-muted" });
  const show = () => {
    btn.style.display = model.get("can_export") ? "" : "none";
    const path = model.get("exported") || "";
    where.textContent = path ? (path.startsWith("export failed") ? path : `saved ${path}`) : "";
    where.dataset.path = path;
    btn.disabled = false;
  };
  btn.addEventListener("click", () => { btn.disabled = true; model.send({ type: "export" }); });
  const head = root.querySelector(".jp-head");
  if (head) head.append(btn, where);
  model.on("change:can_export", show);
  model.on("change:exported", show);
  show();
}

// -- source pane helpers (model trait "lines": widget_data.source_panes) -------

// The function index with a pane whose name is `name` (or its JIT instance).
function findFunction(funcs, panes, name) {
  let best = -1;
  for (const key of Object.keys(panes)) {
    const f = funcs[Number(key)];
    if (f && (f.name === name || f.name.startsWith(name + " [jit"))) {
      if (best < 0 || f.cat === "jit") best = Number(key);
    }
  }
  return best;
}

function paneSelf(p) { return p.rows.reduce((a, r) => a + r[1], 0); }

function hottestPane(panes) {
  let best = -1, bestW = -1;
  for (const [key, p] of Object.entries(panes)) {
    const w = paneSelf(p);
    if (w > bestW) { best = Number(key); bestW = w; }
  }
  return best;
}

// One table row per source line: heat gutter (its self time against the
// hottest line), self time and share, a JIT/Python/native bar, the code;
// native callees of a line in rows beneath it.
function sourcePane(box, funcs, panes, fi, iv, running) {
  box.replaceChildren();
  const p = panes[String(fi)], f = funcs[fi];
  if (!p || !f) {
    box.dataset.func = "";
    box.append(h("em", {}, running ? "after the cell ends" :
      "select a Python or JIT function (flame graph, table or recommendation)"));
    return;
  }
  box.dataset.func = f.name;
  const byLine = new Map(p.rows.map((r) => [r[0], r]));
  const total = paneSelf(p) || 1;
  const hottest = Math.max(1, ...p.rows.map((r) => r[1]));
  box.append(h("div", { class: "jp-args-name" },
    `${f.name}  (${placeText(f.file, p.first)}) - ${fmtS(total, iv)} self in its lines`));
  const t = h("table", { class: "jp-src" },
    h("tr", {}, h("th", {}, ""), h("th", {}, "line"), h("th", {}, "self"), h("th", {}, "%"),
      h("th", { title: "JIT / Python / native" }, "split"), h("th", {}, "source")));
  const lines = p.src.length ? p.src : p.rows.map((r) => [r[0], ""]);
  for (const [n, text] of lines) {
    const r = byLine.get(n);
    const heat = r ? r[1] / hottest : 0;
    const gutter = h("td", { class: "jp-gutter", title: r ? `${fmtS(r[1], iv)} self, ${fmtS(r[2], iv)} total` : "" });
    gutter.style.background = heat > 0 ? `rgba(220, 50, 32, ${(0.12 + 0.88 * heat).toFixed(3)})` : "transparent";
    const split = h("td", { class: "jp-split" });
    if (r && r[1] > 0) {
      for (const [w, cat] of [[r[3], "jit"], [r[4], "python"], [r[5], "native"]]) {
        if (w <= 0) continue;
        const c = COLORS[cat];
        split.append(h("span", { class: "jp-split-" + cat, title: `${cat} ${fmtS(w, iv)}`,
          style: `display:inline-block;height:8px;width:${(48 * w / r[1]).toFixed(1)}px;background:rgb(${c})` }));
      }
    }
    const tr = h("tr", { class: "jp-src-line" + (r && r[1] === hottest && r[1] > 0 ? " jp-src-hot" : ""),
                         "data-line": String(n), "data-self": String(r ? r[1] : 0),
                         "data-total": String(r ? r[2] : 0), "data-heat": heat.toFixed(3) },
      gutter, h("td", { class: "jp-src-n" }, String(n)),
      h("td", { class: "jp-src-t" }, r && r[1] ? fmtS(r[1], iv) : ""),
      h("td", { class: "jp-src-t" }, r && r[1] ? `${(100 * r[1] / total).toFixed(1)}%` : ""),
      split, h("td", { class: "jp-code jp-src-code" }, text,
        p.loops && p.loops[String(n)] ? h("span", { class: "jp-loop-note jp-muted", "data-loop": p.loops[String(n)] },
          `  \u27f5 ${p.loops[String(n)]}`) : ""));
    t.append(tr);
    if (r)
      for (const [name, module, w] of r[6])
        t.append(h("tr", { class: "jp-src-callee", "data-line": String(n), "data-callee": name },
          h("td", {}, ""), h("td", {}, ""), h("td", { class: "jp-src-t" }, fmtS(w, iv)),
          h("td", { class: "jp-src-t" }, `${(100 * w / (r[1] || 1)).toFixed(0)}%`), h("td", {}, ""),
          h("td", { class: "jp-muted" }, `\u21b3 ${name} (${module.split("/").pop()})`)));
  }
  box.append(t);
}

// A function's place: "In[8], line 3" for a notebook cell (widget_data
// interns a cell's file as its name, cells.shown_file), "file.py:3" else.
function placeText(file, line) {
  return /^In\[\d+\]$/.test(file) ? `${file}, line ${line}` : `${file.split("/").pop()}:${line}`;
}

// A card's outcome (the row's message_kind, from actions.message_kind; the
// same rule for a row without it): only a failure red, a success green, a
// note ("applied, not kept: ...") neutral.
function messageClass(r) {
  const m = r.message || "";
  const kind = r.message_kind || (/^\w+ failed\b/.test(m) ? "failure"
    : /^(applied:|applied and kept:|undone:)/.test(m) ? "success" : "note");
  return { failure: "jp-msg", success: "jp-applied" }[kind] || "jp-note";
}

// -- errors and apply state (kernel_ext/jitprofile/cell_errors.py, apply_state.py) --

// The line under the header: "raised ValueError at In[8], line 3" for a cell
// that raised, and the banner of what is applied in the kernel, each with
// an undo link ({type: "undo_applied", name}).
function stateView(model) {
  const error = h("div", { class: "jp-error", style: "display: none" });
  const banner = h("div", { class: "jp-applied-banner", style: "display: none" });
  const box = h("div", { class: "jp-kernel-state" }, error, banner);
  function draw() {
    const err = model.get("error") || "";
    error.textContent = err;
    error.style.display = err ? "" : "none";
    const list = model.get("applied") || [];
    banner.replaceChildren();
    banner.style.display = list.length ? "" : "none";
    banner.dataset.names = list.map((a) => a.name).join(",");
    if (!list.length) return;
    banner.append("applied: ");
    list.forEach((a, k) => {
      if (k) banner.append(", ");
      const what = [a.decorator, a.speedup ? `${a.speedup}x measured` : ""].filter(Boolean).join(", ");
      banner.append(h("span", { class: "jp-applied-fn", "data-name": a.name,
                               title: [a.defined && `defined ${a.defined}`, a.profiled && `measured by ${a.profiled}`,
                                       a.kept && `kept in ${a.kept}`].filter(Boolean).join("; ") },
                      `${a.name} (${what})`));
    });
    const all = list.length > 1 ? "undo all" : "undo";
    banner.append(" \u00b7 ", h("a", { href: "#", class: "jp-undo-applied",
      onclick: (e) => { e.preventDefault(); model.send({ type: "undo_applied" }); } }, all));
  }
  return { box, draw };
}

// "Apply and keep": apply, then write the decorator into the defining cell
// (the kernel answers with {type: "keep", ...}: keepInNotebook).
// An applied card that is not kept yet offers "Keep" (the same message).
function keepButton(r, model) {
  return h("button", { class: "jp-apply-keep", title: "apply, and write the decorator into the function's cell so a kernel restart keeps it",
    onclick: (e) => { e.target.disabled = true; e.target.textContent = r.applied ? "Keeping…" : "Applying…";
                      model.send({ type: "apply_keep", index: r.index }); } }, r.applied ? "Keep" : "Apply and keep");
}

// The notebook's shared model (cells with source and execution_count):
// JupyterLab's widget manager holds the notebook's context
// (@jupyter-widgets/jupyterlab-manager), else window.jupyterapp when the app
// is exposed (--LabApp.expose_app_in_browser).
function notebookModel(model) {
  try {
    const ctx = model.widget_manager && model.widget_manager.context;
    if (ctx && ctx.model && ctx.model.sharedModel && ctx.model.sharedModel.cells)
      return [ctx.model.sharedModel, "the widget manager's notebook"];
  } catch (e) { /* not JupyterLab */ }
  try {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const nb = w && w.content && w.content.model && w.content.model.sharedModel;
    if (nb && nb.cells) return [nb, "window.jupyterapp"];
  } catch (e) { /* not exposed */ }
  return [null, ""];
}

function keepInNotebook(model, msg) {
  const [nb, how] = notebookModel(model);
  const reply = (ok, reason) => model.send({ type: "keep_result", index: msg.index, ok, reason,
                                             label: msg.label, how });
  if (!nb) return reply(false, "this front end does not expose the notebook to widgets");
  const cells = nb.cells.filter((c) => c.cell_type === "code" && c.execution_count === msg.cell);
  const norm = (t) => t.replace(/\s+$/, "");
  const cell = cells.find((c) => norm(c.source) === norm(msg.old)) ||
               cells.find((c) => c.source.includes(`def ${msg.function}(`));
  if (!cell) return reply(false, `no cell [${msg.cell}] defining ${msg.function} in the notebook`);
  if (norm(cell.source) === norm(msg.new)) return reply(true, "");
  if (norm(cell.source) !== norm(msg.old))
    return reply(false, `${msg.label} was edited since it ran`);
  cell.setSource(msg.new);
  reply(true, "");
}

function initialize({ model }) {
  const onMsg = (msg) => { if (msg && msg.type === "keep") keepInNotebook(model, msg); };
  model.on("msg:custom", onMsg);
  return () => model.off("msg:custom", onMsg);
}

export default { initialize, render };
