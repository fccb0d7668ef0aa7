// The query page: highlighting editor, example queries, results table, downloads and a shareable link.
"use strict";
(function () {
  const form = document.getElementById("query-form");
  const area = document.getElementById("query");
  const highlight = document.getElementById("highlight");
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  const base = form.dataset.base;
  const KEYWORDS = /\b(SELECT|CONSTRUCT|DESCRIBE|ASK|WHERE|PREFIX|BASE|FILTER|OPTIONAL|UNION|GRAPH|SERVICE|BIND|VALUES|GROUP|BY|ORDER|HAVING|LIMIT|OFFSET|DISTINCT|REDUCED|AS|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|DESC|ASC|NOT|EXISTS|MINUS|IN|a)\b/g;

  function escapeHtml(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function paint() {
    const tokens = /(#[^\n]*)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>\s]*>)|([?$]\w+)|([A-Za-z_]+)|([\s\S])/g;
    let out = "";
    let m;
    while ((m = tokens.exec(area.value)) !== null) {
      const t = escapeHtml(m[0]);
      if (m[1]) out += '<span class="cm">' + t + "</span>";
      else if (m[2]) out += '<span class="str">' + t + "</span>";
      else if (m[3]) out += '<span class="iri">' + t + "</span>";
      else if (m[4]) out += '<span class="var">' + t + "</span>";
      else if (m[5] && m[5].match(KEYWORDS) && m[5].match(KEYWORDS)[0] === m[5]) out += '<span class="kw">' + t + "</span>";
      else out += t;
    }
    highlight.innerHTML = out + "\n";
    const q = encodeURIComponent(area.value);
    document.getElementById("share").href = "/sparql?query=" + q;
    document.getElementById("dl-csv").href = "/sparql?format=csv&query=" + q;
    document.getElementById("dl-tsv").href = "/sparql?format=tsv&query=" + q;
    document.getElementById("dl-json").href = "/sparql?format=json&query=" + q;
  }
  function local(iri) {
    return iri.startsWith(base) ? "/" + iri.slice(base.length) : iri;
  }
  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = local(term.value);
      a.textContent = term.value;
      a.dataset.iri = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
    }
    return td;
  }
  // "true; max-rows=10000" (X-SPARQL-Truncated) -> "10,000"; null when the results are whole
  function rowLimit(header) {
    if (!header) return null;
    const m = /max-rows=(\d+)/.exec(header);
    return m ? Number(m[1]).toLocaleString("en") : "the most the server gives";
  }
  // beside each download link: the file holds the same first rows, not the whole result
  function noteDownloads(limit) {
    document.querySelectorAll(".dl-note").forEach(function (note) {
      note.textContent = limit ? " (first " + limit + " rows)" : "";
    });
  }
  function plural(n, one, many) {
    return n.toLocaleString("en") + " " + (n === 1 ? one : many);
  }
  function show(data, truncated) {
    results.textContent = "";
    const limit = rowLimit(truncated);
    noteDownloads(limit);
    if (limit) {
      const p = document.createElement("p");
      p.className = "notice";
      p.id = "truncated";
      p.textContent = "Only the first " + limit + " rows are shown: the query has more results. " +
        "Add LIMIT and OFFSET to page through them.";
      results.appendChild(p);
    }
    if (data.boolean !== undefined) {
      results.appendChild(document.createTextNode(String(data.boolean)));
      return;
    }
    const vars = data.head.vars;
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    vars.forEach(function (v) { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
    const body = table.createTBody();
    data.results.bindings.forEach(function (row) {
      const tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
    });
    results.appendChild(table);
    status.textContent = plural(data.results.bindings.length, "row", "rows") + (limit ? " (results truncated)" : "");
    labelIris(data).then(function (labels) { drawChart(data, labels); });
  }

  // IRIs in the table shown by their names (one bounded query for the first 200 of them)
  const SAFE_IRI = /^[^<>"{}|^`\\\s]+$/;
  async function labelIris(data) {
    const iris = [];
    data.results.bindings.forEach(function (row) {
      Object.values(row).forEach(function (t) {
        if (t.type === "uri" && SAFE_IRI.test(t.value) && iris.indexOf(t.value) < 0 && iris.length < 200) iris.push(t.value);
      });
    });
    const labels = {};
    if (!iris.length) return labels;
    const query = "SELECT ?x ?l WHERE { VALUES ?x { " + iris.map(function (i) { return "<" + i + ">"; }).join(" ") +
      " } { ?x <http://schema.org/name> ?l } UNION { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l }" +
      " UNION { ?x a <http://schema.org/Quotation> ; <http://schema.org/text> ?l } }";
    try {
      const response = await fetch("/sparql", {method: "POST", body: query, headers: {
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}});
      if (!response.ok) return labels;
      (await response.json()).results.bindings.forEach(function (r) {
        if (!labels[r.x.value]) labels[r.x.value] = r.l.value.length > 80 ? r.l.value.slice(0, 79) + "…" : r.l.value;
      });
    } catch (e) { return labels; }
    results.querySelectorAll("a[data-iri]").forEach(function (a) {
      const label = labels[a.dataset.iri];
      if (label) { a.textContent = label; a.title = a.dataset.iri; }
    });
    return labels;
  }

  // A chart beside the table, as the results allow: bars for counts, a timeline for dates, a graph for IRI pairs
  const SVG = "http://www.w3.org/2000/svg";
  function el(name, attrs, text) {
    const e = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function column(data, test) {
    return data.head.vars.find(function (v) {
      const rows = data.results.bindings.filter(function (r) { return r[v]; });
      return rows.length && rows.every(function (r) { return test(r[v]); });
    });
  }
  const isNumber = function (t) { return t.type !== "uri" && /^-?\d+(\.\d+)?$/.test(t.value) && /(integer|decimal|double|float|int|long)$/.test(t.datatype || ""); };
  const isDate = function (t) { return t.type !== "uri" && /^\d{4}(-\d\d(-\d\d)?)?/.test(t.value) && /(date|dateTime|gYear|gYearMonth)$/.test(t.datatype || ""); };
  const isIri = function (t) { return t.type === "uri"; };
  function name(term, labels) {
    if (!term) return "";
    const text = term.type === "uri" ? (labels[term.value] || term.value.replace(/^.*[\/#]/, "")) : term.value;
    return text.length > 40 ? text.slice(0, 39) + "…" : text;
  }
  function drawChart(data, labels) {
    const chart = document.getElementById("chart");
    chart.textContent = "";
    if (data.boolean !== undefined) return;
    const rows = data.results.bindings.slice(0, 60);
    const num = column(data, isNumber), date = column(data, isDate);
    const other = data.head.vars.find(function (v) { return v !== num && v !== date; });
    const iris = data.head.vars.filter(function (v) { return column({head: {vars: [v]}, results: data.results}, isIri); });
    let svg;
    if (num && rows.length) {
      const top = Math.max.apply(null, rows.map(function (r) { return r[num] ? Number(r[num].value) : 0; })) || 1;
      svg = el("svg", {viewBox: "0 0 700 " + (rows.length * 20 + 10), width: 700, height: rows.length * 20 + 10, "class": "bars"});
      rows.forEach(function (r, i) {
        const v = r[num] ? Number(r[num].value) : 0;
        svg.appendChild(el("text", {x: 240, y: i * 20 + 19, "text-anchor": "end", "font-size": 12}, name(r[other], labels)));
        svg.appendChild(el("rect", {x: 248, y: i * 20 + 6, width: Math.max(1, 400 * v / top), height: 15, fill: "#7a1010", "class": "bar", "data-value": v}));
        svg.appendChild(el("text", {x: 252 + 400 * v / top, y: i * 20 + 18, "font-size": 11, fill: "#777"}, String(v)));
      });
    } else if (date && rows.length) {
      const year = function (r) { const p = r[date].value.split("-"); return Number(p[0]) + (Number(p[1] || 1) - 1) / 12; };
      const dated = rows.filter(function (r) { return r[date]; });
      const lo = Math.min.apply(null, dated.map(year)), hi = Math.max.apply(null, dated.map(year)) + 1;
      svg = el("svg", {viewBox: "0 0 700 " + (dated.length * 18 + 30), width: 700, height: dated.length * 18 + 30, "class": "timeline"});
      for (let y = Math.floor(lo); y <= hi; y += Math.max(1, Math.round((hi - lo) / 8))) {
        const x = 250 + 430 * (y - lo) / (hi - lo);
        svg.appendChild(el("line", {x1: x, y1: 14, x2: x, y2: dated.length * 18 + 24, stroke: "#e4e0d4"}));
        svg.appendChild(el("text", {x: x, y: 12, "font-size": 10, "text-anchor": "middle", fill: "#777"}, String(y)));
      }
      dated.forEach(function (r, i) {
        const x = 250 + 430 * (year(r) - lo) / (hi - lo);
        svg.appendChild(el("text", {x: 242, y: i * 18 + 32, "text-anchor": "end", "font-size": 12}, name(r[other], labels)));
        svg.appendChild(el("circle", {cx: x, cy: i * 18 + 28, r: 5, fill: "#2f5d8a", "class": "point"}));
      });
    } else if (iris.length >= 2 && rows.length) {
      const a = iris[0], b = iris[1];
      const left = [], right = [];
      rows.forEach(function (r) {
        if (r[a] && left.indexOf(r[a].value) < 0) left.push(r[a].value);
        if (r[b] && right.indexOf(r[b].value) < 0) right.push(r[b].value);
      });
      const h = Math.max(left.length, right.length) * 22 + 20;
      svg = el("svg", {viewBox: "0 0 700 " + h, width: 700, height: h, "class": "graph"});
      rows.forEach(function (r) {
        if (!r[a] || !r[b]) return;
        const y0 = left.indexOf(r[a].value) * 22 + 20, y1 = right.indexOf(r[b].value) * 22 + 20;
        svg.appendChild(el("path", {d: "M230," + y0 + " C350," + y0 + " 350," + y1 + " 470," + y1, fill: "none", stroke: "#7a1010", "stroke-opacity": 0.4, "class": "edge"}));
      });
      [[left, 230, "end", -8], [right, 470, "start", 8]].forEach(function (side) {
        side[0].forEach(function (iri, i) {
          svg.appendChild(el("circle", {cx: side[1], cy: i * 22 + 20, r: 4, fill: "#7a1010"}));
          svg.appendChild(el("text", {x: side[1] + side[3], y: i * 22 + 24, "text-anchor": side[2], "font-size": 12}, name({type: "uri", value: iri}, labels)));
        });
      });
    }
    if (svg) chart.appendChild(svg);
  }
  async function run(event) {
    if (event) event.preventDefault();
    status.className = "";
    status.textContent = "Running…";
    history.replaceState(null, "", "/sparql?query=" + encodeURIComponent(area.value));
    const response = await fetch("/sparql", {
      method: "POST",
      headers: {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json, text/turtle;q=0.5"},
      body: area.value
    });
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      status.className = "error";
      status.textContent = "Error " + response.status + ": " + (await response.text());
      results.textContent = "";
      noteDownloads(null);
      return;
    }
    if (type.startsWith("application/sparql-results+json")) {
      show(await response.json(), response.headers.get("X-SPARQL-Truncated"));
    } else {
      const pre = document.createElement("pre");
      pre.textContent = await response.text();
      results.textContent = "";
      results.appendChild(pre);
      noteDownloads(null);
      status.textContent = "graph result";
    }
  }
  async function examples() {
    const list = document.getElementById("examples");
    const data = await (await fetch("/static/examples.json")).json();
    data.forEach(function (ex) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = "/sparql?query=" + encodeURIComponent(ex.query);
      a.textContent = ex.title;
      a.addEventListener("click", function (e) { e.preventDefault(); area.value = ex.query; paint(); run(); });
      li.appendChild(a);
      list.appendChild(li);
    });
  }
  const given = new URLSearchParams(location.search).get("query");
  if (given) area.value = given;
  area.addEventListener("input", paint);
  area.addEventListener("scroll", function () { highlight.scrollTop = area.scrollTop; });
  form.addEventListener("submit", run);
  paint();
  examples();
  if (given) run();
})();
