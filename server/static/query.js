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
