/* textsieve HTML report: draws the embedded JSON (report-data) into the page.
   Data is only ever set as text (textContent, attribute values), never parsed as markup. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var SEV = ["info", "warning", "error"];
  var PATHS = D.paths;
  var CODES = D.codes; // [code, family, name, summary]
  var F = D.findings; // [path, line, col, endLine, endCol, code, severity, message, status]
  var SVGNS = "http://www.w3.org/2000/svg";
  var NEW = 1, APPEARED = 2;
  // Set by the sections that own them, used by the others.
  var selectCell = function () {}, showDocument = function () {}, showStatus = function () {};

  // -- helpers -------------------------------------------------------------------
  function el(tag, attrs) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    setAttrs(node, attrs);
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    });
  }
  function append(node) { // append(node, child, ...): nodes, strings, arrays of them; null skipped
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) child.forEach(function (c) { append(node, c); });
      else node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    }
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function num(n) { return n === null || n === undefined ? "–" : Number(n).toLocaleString("en"); }
  function pct(part, whole) {
    if (!whole) return "–";
    var p = 100 * part / whole;
    return (p > 0 && p < 0.1 ? "<0.1" : p.toFixed(1)) + "%";
  }
  function where(p, line, col) { return PATHS[p] + ":" + line + (col ? ":" + col : ""); }
  function plural(n, word) { return num(n) + " " + word + (n === 1 ? "" : "s"); }
  function byId(id) { return document.getElementById(id); }
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function codeOf(f) { return CODES[f[5]][0]; }
  function familyOf(f) { return CODES[f[5]][1]; }

  // Columns count code points; JavaScript strings count UTF-16 units.
  function chars(s) { return /[\uD800-\uDFFF]/.test(s) ? Array.from(s) : null; }
  function slice(s, arr, a, b) { return arr ? arr.slice(a, b).join("") : s.substring(a, b); }
  function length(s, arr) { return arr ? arr.length : s.length; }

  // A pager over a list: renders page items into a container, with Previous/Next.
  function pager(container, items, size, renderItem, label) {
    var page = 0;
    var pages = Math.max(1, Math.ceil(items.length / size));
    var body = el("div");
    var status = el("p", { "class": "pager-status", "aria-live": "polite" });
    var prev = el("button", { type: "button", text: "Previous", onclick: function () { go(page - 1); } });
    var next = el("button", { type: "button", text: "Next", onclick: function () { go(page + 1); } });
    function go(p) {
      page = Math.max(0, Math.min(pages - 1, p));
      clear(body);
      items.slice(page * size, page * size + size).forEach(function (item, i) {
        append(body, renderItem(item, page * size + i));
      });
      var first = items.length ? page * size + 1 : 0;
      status.textContent = "Showing " + num(first) + "–" + num(Math.min(items.length, (page + 1) * size)) +
        " of " + plural(items.length, label) + (pages > 1 ? " (page " + (page + 1) + " of " + pages + ")" : "");
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
    append(container, status, body, pages > 1 ? el("div", { "class": "pager" }, prev, " ", next) : null);
    go(0);
  }

  // -- documents and their figures ----------------------------------------------------
  var docs = D.docs.map(function (d) {
    return { p: d[0], words: d[1], grade: d[2], dup: d[3], findings: 0 };
  });
  var docByPath = {};
  docs.forEach(function (d) { docByPath[d.p] = d; });
  F.forEach(function (f) { if (docByPath[f[0]]) docByPath[f[0]].findings++; });
  // A document's own figures, for the line above its findings: " (1,234 words, grade 9.8, 12.0% duplicated)".
  function documentFigures(d) {
    if (!d || d.words === null) return "";
    var parts = [num(d.words) + " words"];
    if (d.grade !== null) parts.push((R ? R.label : "grade") + " " + d.grade.toFixed(1));
    if (d.words) parts.push(pct(d.dup || 0, d.words) + " duplicated");
    return " (" + parts.join(", ") + ")";
  }
  var totalWords = 0, wordsKnown = false, dupWords = 0;
  docs.forEach(function (d) {
    if (d.words !== null) { totalWords += d.words; wordsKnown = true; }
    if (d.dup !== null) dupWords += d.dup;
  });
  var R = D.meta.readability;
  var graded = R ? docs.filter(function (d) { return d.grade !== null; }) : [];
  function harder(a, b) { return R && !R.higherIsHarder ? a.grade - b.grade : b.grade - a.grade; }
  function aboveTarget(g) { return R && (R.higherIsHarder ? g > R.target : g < R.target); }
  function quantile(sorted, q) {
    if (!sorted.length) return null;
    var at = (sorted.length - 1) * q, lo = Math.floor(at), hi = Math.ceil(at);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
  }

  // -- header ---------------------------------------------------------------------------
  byId("meta").textContent = "Generated " + D.meta.generated + " by textsieve " + D.meta.version + ".";

  // -- summary ----------------------------------------------------------------------------
  (function summary() {
    var body = byId("summary-body");
    var sevCount = [0, 0, 0];
    var families = {};
    F.forEach(function (f) {
      sevCount[f[6]]++;
      var fam = familyOf(f);
      families[fam] = families[fam] || [0, 0, 0];
      families[fam][f[6]]++;
    });
    var grades = graded.map(function (d) { return d.grade; }).sort(function (a, b) { return a - b; });
    var above = graded.filter(function (d) { return aboveTarget(d.grade); }).length;
    var stats = el("dl", { "class": "stats" },
      el("div", null, el("dt", { text: "Documents" }), el("dd", { text: num(docs.length) })),
      el("div", null, el("dt", { text: "Words" }), el("dd", { text: wordsKnown ? num(totalWords) : "–" })),
      el("div", null, el("dt", { text: "Findings" }), el("dd", { text: num(F.length) }),
        el("dd", { "class": "sub", text: num(sevCount[2]) + " errors, " + num(sevCount[1]) + " warnings, " + num(sevCount[0]) + " info" })),
      el("div", null, el("dt", { text: "Duplicated" }), el("dd", { id: "dup-share", text: wordsKnown ? pct(dupWords, totalWords) : "–" }),
        el("dd", { "class": "sub", text: wordsKnown ? num(dupWords) + " of " + num(totalWords) + " words in DUP101, DUP102 or DUP104 passages" : "word counts not available" })),
      el("div", null, el("dt", { text: R ? "Median " + R.label : "Readability" }),
        el("dd", { text: grades.length ? quantile(grades, 0.5).toFixed(1) : "–" }),
        el("dd", { "class": "sub", text: grades.length ? num(grades.length) + " documents graded, " + num(above) + " past the target of " + R.target : "no document graded" })));
    append(body, stats);

    var famNames = Object.keys(families).sort(function (a, b) {
      var ta = families[a][0] + families[a][1] + families[a][2], tb = families[b][0] + families[b][1] + families[b][2];
      return tb - ta || cmp(a, b);
    });
    if (!famNames.length) { append(body, el("p", { text: "No findings." })); }
    else {
      var table = el("table", { "class": "counts" },
        el("caption", { text: "Findings by family and severity" }),
        el("thead", null, el("tr", null, el("th", { scope: "col", text: "Family" }),
          el("th", { scope: "col", text: "Errors" }), el("th", { scope: "col", text: "Warnings" }),
          el("th", { scope: "col", text: "Info" }), el("th", { scope: "col", text: "Total" }),
          el("th", { scope: "col", text: "Share" }))));
      var tbody = el("tbody");
      var most = 0;
      famNames.forEach(function (n) { var c = families[n]; most = Math.max(most, c[0] + c[1] + c[2]); });
      famNames.forEach(function (n) {
        var c = families[n], total = c[0] + c[1] + c[2];
        var bar = svg("svg", { width: 160, height: 14, "aria-hidden": "true", "class": "bar" });
        var x = 0;
        [2, 1, 0].forEach(function (s) {
          var w = 160 * c[s] / most;
          if (w > 0) append(bar, svg("rect", { x: x, y: 1, width: w, height: 12, "class": "sev-" + SEV[s] }));
          x += w;
        });
        append(tbody, el("tr", null, el("th", { scope: "row", text: n }), el("td", { text: num(c[2]) }),
          el("td", { text: num(c[1]) }), el("td", { text: num(c[0]) }), el("td", { text: num(total) }),
          el("td", null, bar)));
      });
      append(table, tbody);
      append(body, table);
    }
  })();

  // -- duplication map ------------------------------------------------------------------
  var PAIRS = D.pairs; // [pa, la, ca, ela, eca, pb, lb, cb, elb, ecb, similarity, exact, diff]
  // A pair of passages side by side; flipped puts its second passage on the left.
  function renderPair(pair, flipped) {
    var kind = pair[11] ? "exact duplicate" : "near-duplicate (" + pair[10].toFixed(2) + ")";
    var l = flipped ? 5 : 0, r = flipped ? 0 : 5, lt = flipped ? 2 : 1, rt = flipped ? 1 : 2;
    var left = el("div", { "class": "side" }, el("h4", { text: where(pair[l], pair[l + 1], pair[l + 2]) }));
    var right = el("div", { "class": "side" }, el("h4", { text: where(pair[r], pair[r + 1], pair[r + 2]) }));
    var runs = pair[12];
    if (!runs) {
      append(left, el("p", { "class": "note", text: "Source not available." }));
    } else {
      var a = el("p", { "class": "passage" }), b = el("p", { "class": "passage" });
      runs.forEach(function (run, i) {
        var sep = i ? " " : "";
        if (run[0] === 0) { append(a, sep + run[1]); append(b, sep + run[1]); }
        else {
          if (run[lt]) append(a, sep, el("del", { text: run[lt] }));
          if (run[rt]) append(b, sep, el("ins", { text: run[rt] }));
        }
      });
      append(left, a); append(right, b);
    }
    return el("figure", { "class": "pair" }, el("figcaption", { text: kind }),
      el("div", { "class": "sides" }, left, right));
  }

  (function map() {
    var body = byId("map-body");
    var order = [], groupOf = [];
    D.groups.forEach(function (g, gi) { g.forEach(function (p) { order.push(p); groupOf.push(gi); }); });
    var pos = {};
    order.forEach(function (p, i) { pos[p] = i; });
    var cells = {}; // "i,j" (i <= j) -> pair indices
    PAIRS.forEach(function (pair, k) {
      var i = pos[pair[0]], j = pos[pair[5]];
      var key = Math.min(i, j) + "," + Math.max(i, j);
      (cells[key] = cells[key] || []).push(k);
    });
    var keys = Object.keys(cells);
    var unlinked = docs.length - order.filter(function (p) { return docByPath[p]; }).length;
    append(body, el("p", null, "Each cell counts the passages that the row's and the column's documents share " +
      "(DUP101 near-duplicates and DUP102 exact duplicates); the diagonal counts repeats inside one document. " +
      "Documents linked by shared passages are grouped and outlined, the largest group first. " +
      "Select a cell (click, or arrow keys and Enter) to see its pairs side by side."));
    if (!keys.length) {
      append(body, el("p", { "class": "note", text: "No document shares a passage with another." }));
    } else {
      append(body, el("p", { "class": "note", text: plural(order.length, "document") + " in the map" +
        (unlinked > 0 ? "; " + plural(unlinked, "document") + " sharing no passage left out" : "") + "." }));
      var n = order.length;
      var cell = Math.max(4, Math.min(24, Math.floor(560 / n)));
      var labelled = cell >= 12;
      var margin = labelled ? 190 : 8, top = labelled ? 28 : 8;
      var size = n * cell;
      var most = 0;
      keys.forEach(function (k) { most = Math.max(most, cells[k].length); });
      function level(c) { return most <= 1 ? 3 : Math.min(3, Math.floor(3 * Math.log(c) / Math.log(most) + 0.0001)); }
      var chart = svg("svg", { width: margin + size + 8, height: top + size + 8, role: "group",
        "aria-label": "Duplication map of " + n + " documents", "class": "matrix", id: "map-svg" });
      append(chart, svg("rect", { x: margin, y: top, width: size, height: size, "class": "grid" }));
      // Outlines of the groups.
      var start = 0;
      D.groups.forEach(function (g) {
        if (g.length > 1) append(chart, svg("rect", { x: margin + start * cell, y: top + start * cell,
          width: g.length * cell, height: g.length * cell, "class": "block" }));
        start += g.length;
      });
      if (labelled) {
        order.forEach(function (p, i) {
          var name = PATHS[p];
          var shown = name.length > 28 ? "…" + name.slice(-27) : name;
          append(chart, svg("text", { x: margin - 6, y: top + i * cell + cell * 0.7, "class": "label", "text-anchor": "end" },
            svg("title", { text: name }), (i + 1) + " " + shown));
          append(chart, svg("text", { x: margin + i * cell + cell / 2, y: top - 8, "class": "label", "text-anchor": "middle", text: String(i + 1) }));
        });
      }
      var list = [];
      keys.forEach(function (k) {
        var ij = k.split(",").map(Number);
        list.push([ij[0], ij[1]]);
        if (ij[0] !== ij[1]) list.push([ij[1], ij[0]]);
      });
      list.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
      var rects = list.map(function (ij, index) {
        var k = Math.min(ij[0], ij[1]) + "," + Math.max(ij[0], ij[1]);
        var count = cells[k].length;
        var a = PATHS[order[ij[0]]], b = PATHS[order[ij[1]]];
        var label = (ij[0] === ij[1] ? a + " repeats itself: " : a + " and " + b + ": ") + plural(count, "shared passage");
        var r = svg("rect", { x: margin + ij[1] * cell + 0.5, y: top + ij[0] * cell + 0.5, width: cell - 1, height: cell - 1,
          "class": "cell level-" + level(count), tabindex: index === 0 ? 0 : -1, role: "button",
          "aria-label": label, "data-a": a, "data-b": b, "data-count": count, "data-index": index },
          svg("title", { text: label }));
        r.addEventListener("click", function () { select(index); });
        return r;
      });
      rects.forEach(function (r) { append(chart, r); });
      var current = 0;
      function focus(index) {
        rects[current].setAttribute("tabindex", -1);
        current = index;
        rects[index].setAttribute("tabindex", 0);
        rects[index].focus();
      }
      chart.addEventListener("keydown", function (e) {
        var ij = list[current], target = null;
        if (e.key === "ArrowRight") target = current + 1 < list.length ? current + 1 : null;
        else if (e.key === "ArrowLeft") target = current > 0 ? current - 1 : null;
        else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          var best = null, bestScore = Infinity;
          list.forEach(function (o, k) {
            var dy = o[0] - ij[0];
            if (e.key === "ArrowDown" ? dy <= 0 : dy >= 0) return;
            var score = Math.abs(dy) * 100000 + Math.abs(o[1] - ij[1]);
            if (score < bestScore) { bestScore = score; best = k; }
          });
          target = best;
        } else if (e.key === "Home") target = 0;
        else if (e.key === "End") target = list.length - 1;
        else if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(current); return; }
        else return;
        e.preventDefault();
        if (target !== null) focus(target);
      });
      var scroller = el("div", { "class": "matrix-scroll" }, chart);
      // The legend: the range of counts each colour stands for, among the counts present.
      var ranges = {};
      keys.forEach(function (k) {
        var c = cells[k].length, l = level(c);
        ranges[l] = ranges[l] ? [Math.min(ranges[l][0], c), Math.max(ranges[l][1], c)] : [c, c];
      });
      var legend = el("p", { "class": "legend" }, "Shared passages: ",
        Object.keys(ranges).sort().map(function (l) {
          var r = ranges[l];
          return el("span", { "class": "key" }, svg("svg", { width: 12, height: 12, "aria-hidden": "true" },
            svg("rect", { width: 12, height: 12, "class": "cell level-" + l })), " " + (r[0] === r[1] ? r[0] : r[0] + "–" + r[1]) + " ");
        }));
      var detail = el("div", { id: "map-detail", "class": "detail", "aria-live": "polite", tabindex: -1 },
        el("p", { "class": "note", text: "No cell selected." }));
      append(body, legend, scroller, detail);
      var select = function (index) {
        if (index !== current) focus(index);
        var ij = list[index];
        var k = Math.min(ij[0], ij[1]) + "," + Math.max(ij[0], ij[1]);
        rects.forEach(function (r) { r.classList.remove("selected"); });
        rects[index].classList.add("selected");
        var a = PATHS[order[ij[0]]], b = PATHS[order[ij[1]]];
        clear(detail);
        append(detail, el("h3", { text: ij[0] === ij[1] ? a + " (inside one document)" : a + " × " + b }));
        pager(detail, cells[k], 20, function (pi) {
          return renderPair(PAIRS[pi], PAIRS[pi][0] !== order[ij[0]]);
        }, "shared passage");
      };
      selectCell = function (a, b) {
        var i = pos[a], j = pos[b];
        for (var x = 0; x < list.length; x++) if (list[x][0] === i && list[x][1] === j) { select(x); return; }
      };
      // The same as a table: the document pairs sharing most.
      var rows = keys.map(function (k) { var ij = k.split(",").map(Number); return [ij[0], ij[1], cells[k].length]; })
        .sort(function (x, y) { return y[2] - x[2] || x[0] - y[0] || x[1] - y[1]; });
      var table = el("table", { "class": "pairs-table" }, el("caption", { text: "Document pairs sharing most passages" }),
        el("thead", null, el("tr", null, el("th", { scope: "col", text: "Document" }), el("th", { scope: "col", text: "Shares with" }),
          el("th", { scope: "col", text: "Passages" }), el("th", { scope: "col", text: "" }))));
      var tb = el("tbody");
      rows.slice(0, 50).forEach(function (r) {
        var a = order[r[0]], b = order[r[1]];
        append(tb, el("tr", null, el("td", { text: PATHS[a] }), el("td", { text: r[0] === r[1] ? "(itself)" : PATHS[b] }),
          el("td", { text: num(r[2]) }), el("td", null, el("button", { type: "button", text: "Show pairs",
            onclick: function () { selectCell(PATHS[a], PATHS[b]); byId("map-detail").focus(); } }))));
      });
      append(table, tb);
      append(body, el("details", null, el("summary", { text: "As a table (" + plural(rows.length, "document pair") + (rows.length > 50 ? ", the 50 sharing most" : "") + ")" }), table));
    }

    // Boilerplate clusters.
    append(body, el("h3", { text: "Boilerplate clusters (DUP104)" }));
    if (!D.boilerplate.length) append(body, el("p", { "class": "note", text: "No passage repeats across enough documents to count as boilerplate." }));
    else {
      var ol = el("ol", { "class": "clusters" });
      D.boilerplate.forEach(function (c) {
        var members = el("ul");
        c.members.slice(0, 50).forEach(function (m) { var f = F[m]; append(members, el("li", { text: where(f[0], f[1], f[2]) })); });
        if (c.members.length > 50) append(members, el("li", { text: "and " + num(c.members.length - 50) + " more" }));
        append(ol, el("li", null, el("details", null,
          el("summary", null, el("q", { text: c.quote.replace(/^"|"$/g, "") }), " — in " + plural(c.documents, "document") +
            ", " + plural(c.members.length, "place") + " reported, first at " + where(c.head[0], c.head[1], c.head[2])),
          members)));
      });
      append(body, ol);
    }
  })();

  // -- side by side ----------------------------------------------------------------
  (function sideBySide() {
    var body = byId("sbs-body");
    append(body, el("p", null, "Every verified pair of duplicate passages, each next to its twin; " +
      "words only on the left are struck through, words only on the right underlined."));
    if (!PAIRS.length) { append(body, el("p", { "class": "note", text: "No duplicate passages." })); return; }
    var input = el("input", { type: "search", id: "sbs-path", "aria-describedby": "sbs-help" });
    var list = el("div");
    append(body, el("p", { "class": "controls" }, el("label", { "for": "sbs-path", text: "Path contains " }), input,
      el("span", { id: "sbs-help", "class": "sub", text: " (either side)" })), list);
    function draw() {
      var q = input.value.toLowerCase();
      var items = [];
      PAIRS.forEach(function (p, i) {
        if (!q || PATHS[p[0]].toLowerCase().indexOf(q) >= 0 || PATHS[p[5]].toLowerCase().indexOf(q) >= 0) items.push(i);
      });
      clear(list);
      pager(list, items, 20, function (i) { return renderPair(PAIRS[i]); }, "pair");
    }
    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(draw, 150); });
    draw();
  })();

  // -- findings -----------------------------------------------------------------------
  var state = { code: "", severity: "", path: "", document: null, status: "", context: true, sort: "path", desc: false, page: 0 };
  var PAGE = 100;
  var contextByPath = {};
  function contextLines(p) {
    if (!contextByPath[p]) {
      var m = new Map();
      (D.context[String(p)] || []).forEach(function (l) { m.set(l[0], l[1]); });
      contextByPath[p] = m;
    }
    return contextByPath[p];
  }
  function renderContext(f) {
    var lines = contextLines(f[0]);
    if (!lines.size) return el("p", { "class": "note", text: "Source not available." });
    var pre = el("pre", { "class": "source" });
    var last = Math.min(f[3], f[1] + 11);
    for (var n = f[1] - 1; n <= last + 1; n++) {
      if (!lines.has(n)) continue;
      var text = lines.get(n), arr = chars(text), len = length(text, arr);
      var code = el("code");
      if (n >= f[1] && n <= f[3]) {
        var a = n === f[1] ? Math.min(len, f[2] - 1) : 0;
        var b = n === f[3] ? Math.min(len, Math.max(a, f[4] - 1)) : len;
        if (b === a && n === f[1] && n === f[3]) b = Math.min(len, a + 1);
        append(code, slice(text, arr, 0, a), el("mark", { text: slice(text, arr, a, b) }), slice(text, arr, b, len));
      } else append(code, text);
      append(pre, el("span", { "class": "ln", "aria-hidden": "true", text: String(n) }), code, "\n");
    }
    return pre;
  }
  (function findings() {
    var body = byId("findings-body");
    var counts = {};
    F.forEach(function (f) { counts[f[5]] = (counts[f[5]] || 0) + 1; });
    var codeSel = el("select", { id: "f-code" }, el("option", { value: "", text: "All codes" }),
      CODES.map(function (c, i) { return counts[i] ? el("option", { value: String(i), text: c[0] + (c[2] ? " " + c[2] : "") + " (" + num(counts[i]) + ")" }) : null; }));
    var sevSel = el("select", { id: "f-severity" }, el("option", { value: "", text: "All severities" }),
      [2, 1, 0].map(function (s) { return el("option", { value: String(s), text: SEV[s] }); }));
    var pathIn = el("input", { type: "search", id: "f-path" });
    var statusSel = null;
    if (D.meta.baseline || D.meta.compare) {
      statusSel = el("select", { id: "f-status" }, el("option", { value: "", text: "All findings" }),
        D.meta.baseline ? el("option", { value: String(NEW), text: "New since the baseline" }) : null,
        D.meta.compare ? el("option", { value: String(APPEARED), text: "Appeared since the compared run" }) : null);
    }
    var ctxBox = el("input", { type: "checkbox", id: "f-context", checked: true });
    var docChip = el("p", { "class": "chip", hidden: true });
    var form = el("form", { role: "search", "class": "controls", "aria-label": "Filter findings", onsubmit: function (e) { e.preventDefault(); } },
      el("label", { "for": "f-code", text: "Code " }), codeSel, " ",
      el("label", { "for": "f-severity", text: "Severity " }), sevSel, " ",
      el("label", { "for": "f-path", text: "Path contains " }), pathIn, " ",
      statusSel ? [el("label", { "for": "f-status", text: "Status " }), statusSel, " "] : null,
      el("label", null, ctxBox, " Show source lines"));
    var status = el("p", { id: "findings-count", "aria-live": "polite" });
    var table = el("table", { "class": "findings", id: "findings-table" });
    var columns = [["path", "Location"], ["code", "Code"], ["severity", "Severity"], ["message", "Message"]];
    var headRow = el("tr");
    var headers = columns.map(function (c) {
      var th = el("th", { scope: "col", "aria-sort": "none" },
        el("button", { type: "button", "class": "sort", text: c[1], onclick: function () {
          if (state.sort === c[0]) state.desc = !state.desc; else { state.sort = c[0]; state.desc = c[0] === "severity"; }
          state.page = 0; draw();
        } }));
      append(headRow, th);
      return th;
    });
    var tbody = el("tbody");
    append(table, el("thead", null, headRow), tbody);
    var prev = el("button", { type: "button", text: "Previous", onclick: function () { state.page--; draw(true); } });
    var next = el("button", { type: "button", text: "Next", onclick: function () { state.page++; draw(true); } });
    append(body, form, docChip, status, el("div", { "class": "table-scroll" }, table), el("div", { "class": "pager" }, prev, " ", next));

    var keyers = {
      path: function (i) { return i; }, // the data comes sorted by path, line, column
      code: function (i) { return CODES[F[i][5]][0]; },
      severity: function (i) { return F[i][6]; },
      message: function (i) { return F[i][7].toLowerCase(); }
    };
    function draw(keepFocus) {
      var q = state.path.toLowerCase();
      var rows = [];
      for (var i = 0; i < F.length; i++) {
        var f = F[i];
        if (state.code !== "" && f[5] !== +state.code) continue;
        if (state.severity !== "" && f[6] !== +state.severity) continue;
        if (state.status !== "" && !(f[8] & +state.status)) continue;
        if (state.document !== null && f[0] !== state.document) continue;
        if (q && PATHS[f[0]].toLowerCase().indexOf(q) < 0) continue;
        rows.push(i);
      }
      var key = keyers[state.sort];
      if (state.sort !== "path" || state.desc) {
        var keys = new Map();
        rows.forEach(function (i) { keys.set(i, key(i)); });
        rows.sort(function (a, b) { return (state.desc ? -1 : 1) * cmp(keys.get(a), keys.get(b)) || a - b; });
      }
      var pages = Math.max(1, Math.ceil(rows.length / PAGE));
      state.page = Math.max(0, Math.min(pages - 1, state.page));
      headers.forEach(function (th, k) {
        th.setAttribute("aria-sort", columns[k][0] === state.sort ? (state.desc ? "descending" : "ascending") : "none");
      });
      clear(tbody);
      var shown = rows.slice(state.page * PAGE, state.page * PAGE + PAGE);
      shown.forEach(function (i) {
        var f = F[i];
        var badges = [];
        if (f[8] & NEW) badges.push(el("span", { "class": "badge new", text: "new" }));
        if (f[8] & APPEARED) badges.push(el("span", { "class": "badge appeared", text: "appeared" }));
        append(tbody, el("tr", { "class": "finding", "data-code": CODES[f[5]][0], "data-severity": SEV[f[6]] },
          el("td", { "class": "loc", text: where(f[0], f[1], f[2]) }),
          el("td", null, el("abbr", { title: CODES[f[5]][3] || CODES[f[5]][2] || null, text: CODES[f[5]][0] })),
          el("td", null, el("span", { "class": "sev sev-text-" + SEV[f[6]], text: SEV[f[6]] })),
          el("td", null, f[7], badges.length ? " " : null, badges)));
        if (state.context) append(tbody, el("tr", { "class": "context" }, el("td", { colspan: 4 }, renderContext(f))));
      });
      var first = rows.length ? state.page * PAGE + 1 : 0;
      status.textContent = "Showing " + num(first) + "–" + num(Math.min(rows.length, (state.page + 1) * PAGE)) +
        " of " + plural(rows.length, "finding") + (rows.length !== F.length ? " (" + num(F.length) + " in all)" : "") +
        (pages > 1 ? ", page " + (state.page + 1) + " of " + pages : "") + ".";
      prev.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
      if (keepFocus) table.scrollIntoView({ block: "start" });
    }
    codeSel.addEventListener("change", function () { state.code = codeSel.value; state.page = 0; draw(); });
    sevSel.addEventListener("change", function () { state.severity = sevSel.value; state.page = 0; draw(); });
    if (statusSel) statusSel.addEventListener("change", function () { state.status = statusSel.value; state.page = 0; draw(); });
    ctxBox.addEventListener("change", function () { state.context = ctxBox.checked; draw(); });
    var timer = null;
    pathIn.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.path = pathIn.value; state.page = 0; draw(); }, 150);
    });
    showDocument = function (p) {
      state.document = p; state.page = 0;
      clear(docChip);
      if (p === null) docChip.hidden = true;
      else {
        docChip.hidden = false;
        append(docChip, "Only the findings of " + PATHS[p] + documentFigures(docByPath[p]) + " ", el("button", { type: "button", text: "Show all documents",
          onclick: function () { showDocument(null); } }));
      }
      draw();
    };
    showStatus = function (s) { if (statusSel) { statusSel.value = String(s); state.status = String(s); state.page = 0; draw(); } };
    draw();
  })();

  // -- documents ------------------------------------------------------------------------
  (function documentsTable() {
    var body = byId("documents-body");
    if (!docs.length) { append(body, el("p", { "class": "note", text: "No documents." })); return; }
    var sort = "findings", desc = true, page = 0, size = 100;
    var columns = [["path", "Document"], ["words", "Words"], ["grade", R ? R.label : "Grade"], ["dup", "Duplicated"], ["findings", "Findings"]];
    var table = el("table", { "class": "docs", id: "documents-table" });
    var headRow = el("tr");
    var headers = columns.map(function (c) {
      var th = el("th", { scope: "col" }, el("button", { type: "button", "class": "sort", text: c[1], onclick: function () {
        if (sort === c[0]) desc = !desc; else { sort = c[0]; desc = c[0] !== "path"; }
        page = 0; draw();
      } }));
      append(headRow, th);
      return th;
    });
    var tbody = el("tbody");
    append(table, el("thead", null, headRow), tbody);
    var status = el("p", { "aria-live": "polite" });
    var prev = el("button", { type: "button", text: "Previous", onclick: function () { page--; draw(); } });
    var next = el("button", { type: "button", text: "Next", onclick: function () { page++; draw(); } });
    append(body, status, el("div", { "class": "table-scroll" }, table), el("div", { "class": "pager" }, prev, " ", next));
    function value(d, k) {
      if (k === "path") return PATHS[d.p];
      if (k === "dup") return d.words ? (d.dup || 0) / d.words : -1;
      var v = d[k];
      return v === null ? -Infinity : v;
    }
    function draw() {
      var rows = docs.slice().sort(function (a, b) { return (desc ? -1 : 1) * cmp(value(a, sort), value(b, sort)) || cmp(PATHS[a.p], PATHS[b.p]); });
      var pages = Math.max(1, Math.ceil(rows.length / size));
      page = Math.max(0, Math.min(pages - 1, page));
      headers.forEach(function (th, k) { th.setAttribute("aria-sort", columns[k][0] === sort ? (desc ? "descending" : "ascending") : "none"); });
      clear(tbody);
      rows.slice(page * size, page * size + size).forEach(function (d) {
        append(tbody, el("tr", null,
          el("th", { scope: "row" }, el("button", { type: "button", "class": "link", text: PATHS[d.p],
            "aria-label": "Show the findings of " + PATHS[d.p],
            onclick: function () { showDocument(d.p); byId("findings").scrollIntoView(); byId("f-code").focus(); } })),
          el("td", { text: num(d.words) }),
          el("td", { "class": d.grade !== null && aboveTarget(d.grade) ? "above" : null, text: d.grade === null ? "–" : d.grade.toFixed(1) }),
          el("td", { text: d.words ? pct(d.dup || 0, d.words) : "–" }),
          el("td", { text: num(d.findings) })));
      });
      status.textContent = plural(docs.length, "document") + (pages > 1 ? ", page " + (page + 1) + " of " + pages : "") + ".";
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
    draw();
  })();

  // -- readability ------------------------------------------------------------------------
  (function readability() {
    var body = byId("readability-body");
    if (!graded.length) {
      append(body, el("p", { "class": "note", text: R ? "No document was long enough for a grade." :
        "No grades: the READ family did not run, or the figures were not collected for this report." }));
      return;
    }
    var grades = graded.map(function (d) { return d.grade; });
    var lo = Math.floor(Math.min.apply(null, grades.concat([R.target]))), hi = Math.ceil(Math.max.apply(null, grades.concat([R.target])));
    var width = hi - lo > 40 ? Math.ceil((hi - lo) / 40) : 1;
    if (hi === lo) hi = lo + width;
    var bins = [];
    for (var x = lo; x < hi; x += width) bins.push(0);
    grades.forEach(function (g) { bins[Math.min(bins.length - 1, Math.floor((g - lo) / width))]++; });
    var most = Math.max.apply(null, bins);
    var W = 640, H = 220, left = 44, bottom = 36, topm = 24, bw = (W - left - 10) / bins.length;
    var chart = svg("svg", { width: W, height: H, role: "img", "class": "histogram", id: "histogram",
      "aria-label": "Histogram of " + graded.length + " document grades (" + R.label + "), target " + R.target });
    var ph = H - bottom - topm;
    for (var yv = 0, step = Math.max(1, Math.ceil(most / 4)); yv <= most; yv += step) {
      var y = H - bottom - ph * yv / most;
      append(chart, svg("line", { x1: left, x2: W - 10, y1: y, y2: y, "class": "gridline" }),
        svg("text", { x: left - 6, y: y + 4, "text-anchor": "end", "class": "label", text: String(yv) }));
    }
    bins.forEach(function (c, i) {
      var from = lo + i * width;
      if (c) append(chart, svg("rect", { x: left + i * bw + 1, y: H - bottom - ph * c / most, width: Math.max(1, bw - 2), height: ph * c / most,
        "class": aboveTarget(from + width / 2) ? "bin above" : "bin" }, svg("title", { text: plural(c, "document") + " at " + from + "–" + (from + width) })));
      if (bins.length <= 20 || i % Math.ceil(bins.length / 20) === 0)
        append(chart, svg("text", { x: left + i * bw, y: H - bottom + 16, "text-anchor": "middle", "class": "label", text: String(from) }));
    });
    var tx = left + (R.target - lo) / width * bw;
    append(chart, svg("line", { x1: tx, x2: tx, y1: topm - 6, y2: H - bottom, "class": "target" }),
      svg("text", { x: tx + 4, y: topm - 10, "class": "label target-label", text: "target " + R.target }),
      svg("text", { x: left + (W - left) / 2, y: H - 4, "text-anchor": "middle", "class": "label", text: R.label + " (" + (R.higherIsHarder ? "higher is harder" : "lower is harder") + ")" }));
    var sorted = grades.slice().sort(function (a, b) { return a - b; });
    append(body, el("p", null, plural(graded.length, "document") + " graded: median " + quantile(sorted, 0.5).toFixed(1) +
      ", 90th percentile " + quantile(sorted, R.higherIsHarder ? 0.9 : 0.1).toFixed(1) + "; " +
      num(graded.filter(function (d) { return aboveTarget(d.grade); }).length) + " past the target of " + R.target + "."),
      el("figure", null, chart, el("figcaption", { text: "Documents by grade; bars past the target are dark." })));
    var hardest = graded.slice().sort(harder).slice(0, 10);
    var ol = el("ol", { "class": "hardest" });
    hardest.forEach(function (d) {
      append(ol, el("li", null, el("button", { type: "button", "class": "link", text: PATHS[d.p],
        onclick: function () { showDocument(d.p); byId("findings").scrollIntoView(); } }), " " + d.grade.toFixed(1) + " (" + num(d.words) + " words)"));
    });
    append(body, el("h3", { text: "Hardest documents" }), ol);
  })();

  // -- baseline and history ------------------------------------------------------------
  (function history() {
    var body = byId("history-body");
    if (!D.meta.baseline && !D.meta.compare) {
      append(body, el("p", { "class": "note", text: "Run with --baseline FILE to mark what is new, or --compare OLD.json " +
        "(a findings file of an earlier run, --format json) to see what was fixed and what appeared." }));
      return;
    }
    if (D.meta.baseline) {
      var fresh = F.filter(function (f) { return f[8] & NEW; }).length;
      append(body, el("p", { id: "baseline-summary" }, plural(fresh, "finding") + " of " + num(F.length) + " not in the baseline. ",
        el("button", { type: "button", text: "Show them", onclick: function () { showStatus(NEW); byId("findings").scrollIntoView(); } })));
    }
    if (D.meta.compare) {
      var appeared = F.filter(function (f) { return f[8] & APPEARED; }).length;
      append(body, el("p", { id: "compare-summary" }, "Since the compared run: " + num(appeared) + " appeared, " + num(D.fixed.length) +
        " fixed (or moved out of the checked files), " + num(F.length - appeared) + " unchanged. ",
        el("button", { type: "button", text: "Show what appeared", onclick: function () { showStatus(APPEARED); byId("findings").scrollIntoView(); } })));
      if (D.fixed.length) {
        append(body, el("h3", { text: "Fixed since the compared run" }));
        var holder = el("div");
        append(body, holder);
        pager(holder, D.fixed, 100, function (x) {
          return el("p", { "class": "fixed" }, el("span", { "class": "loc", text: x[0] + ":" + x[1] }), " ", el("strong", { text: x[2] }), " ", x[4]);
        }, "fixed finding");
      }
    }
  })();
  document.documentElement.setAttribute("data-ready", "1");
  if (window.performance && performance.mark) performance.mark("textsieve-ready");
})();
