"""The benchmark's figures as Markdown tables, target checks, and the plot of build cost against corpus size."""
from __future__ import annotations

from pathlib import Path

from bench.endpoints import KGPUB_ON_DISK
from bench.queries import MIXES
from bench.querybench import IN_PROCESS, MIX

ENDPOINTS = ("kgpub", KGPUB_ON_DISK, "ceiling", "rdflib-endpoint", IN_PROCESS)
MIB = 2**20


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def query_tables(q: dict) -> list[str]:
    """One table per client count: QPS, median and p95 per endpoint and query, and kgpub's ratios."""
    lines = [f"Graph: build {q['build_id']}, {q['triples']:,} triples. Medians of {q['settings']['rounds']} "
             "interleaved rounds; latency in ms over all requests of the rounds.", ""]
    if q.get("distinct_texts"):
        lines += ["Each kind of query asks about the graph's entities in turn (persons, works, documents, years, "
                  "words); distinct query texts per kind: "
                  + ", ".join(f"{name} {n}" for name, n in q["distinct_texts"].items()) + ".", ""]
    figures, ratios = q["figures"], q["ratios"]
    present = [e for e in ENDPOINTS if e in figures]
    for clients in (str(c) for c in q["settings"]["clients"]):
        lines += [f"**{clients} client{'s' if clients != '1' else ''}** "
                  "(QPS / median ms / p95 ms / server CPU ms per request)", ""]
        head = "| query | " + " | ".join(present) + " | kgpub ÷ rdflib-endpoint | kgpub ÷ ceiling |"
        lines += [head, "|" + " --- |" * (head.count("|") - 1)]
        for query in q["queries"]:
            cells = []
            for name in present:
                v = figures[name].get(query, {}).get(clients)
                failed = query in q.get("failures", {}).get(name, {})
                cells.append("fails" if failed or v is None or not v["requests"] else
                             f"{fmt(v['qps'], 0)} / {fmt(v['median_ms'], 2)} / {fmt(v['p95_ms'], 2)} / "
                             f"{fmt(v.get('cpu_ms'), 2)}")
            r_rdflib = ratios.get("kgpub/rdflib-endpoint", {}).get(query, {}).get(clients)
            r_ceiling = ratios.get("kgpub/ceiling", {}).get(query, {}).get(clients)
            if query in q.get("failures", {}).get("rdflib-endpoint", {}):
                r_rdflib = None
            label = f"**{query}**" if query in MIXES else query
            lines.append(f"| {label} | " + " | ".join(cells) + f" | {fmt(r_rdflib)}× | {fmt(r_ceiling, 2)}× |")
        lines.append("")
    return lines


def class_table(q: dict) -> list[str]:
    """kgpub's QPS over each peer's, per query class, mix and client count (geometric mean over the class's
    queries); then the same by CPU time per request."""
    lines = []
    for key, title in (("class_ratios", "QPS ratios, measured side by side (median of the per-round ratios)"),
                       ("class_cpu_ratios", "Capacity ratios: the peer's CPU time per request over the first "
                        "endpoint's (all its processes), which the machine's other load hardly moves")):
        per_pair = q.get(key) or {}
        pairs = [p for p in ("kgpub/ceiling", f"{KGPUB_ON_DISK}/ceiling", "kgpub/rdflib-endpoint",
                             "ceiling/rdflib-endpoint") if p in per_pair]
        if not pairs:
            continue
        clients = [str(c) for c in q["settings"]["clients"]]
        head = ("| query class | " + " | ".join(f"{p.replace('/', ' ÷ ')}, {c} cl." for p in pairs for c in clients)
                + " |")
        lines += [f"{title}, per query class (geometric mean over its queries):", "", head,
                  "|" + " --- |" * (head.count("|") - 1)]
        for name in per_pair[pairs[0]]:
            cells = [fmt(per_pair[p].get(name, {}).get(c), 2) + "×" for p in pairs for c in clients]
            label = f"**{name}**" if name in MIXES else name
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def build_tables(b: dict) -> list[str]:
    scales = b["scales"]
    base = scales[0]
    stages = sorted({s for sc in scales for s in sc["stages"]})
    head = ("| corpus | text MB | triples | wall s | × 1x | " + " | ".join(f"{s} s" for s in stages)
            + " | peak memory MiB |")
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for sc in scales:
        lines.append(f"| {sc['factor']}x ({sc['documents']} texts) | {sc['corpus_bytes'] / 1e6:.1f} | "
                     f"{sc['triples']:,} | {sc['seconds']:.1f} | {sc['seconds'] / base['seconds']:.1f} | "
                     + " | ".join(fmt(sc["stages"].get(s), 2) for s in stages)
                     + f" | {sc['peak_bytes'] / MIB:,.0f} |")
    for inc in b.get("incremental") or []:
        lines += ["", f"Incremental, at {inc['factor']}x ({inc['documents']} texts): full build "
                  f"{inc['full_seconds']:.1f} s; nothing changed {inc['unchanged_seconds']:.2f} s "
                  f"({100 * inc['unchanged_seconds'] / inc['full_seconds']:.0f}% of full, build in service kept: "
                  f"{inc['unchanged_kept_build']}); one text changed {inc['one_changed_seconds']:.1f} s "
                  f"({100 * inc['one_changed_seconds'] / inc['full_seconds']:.0f}%), texts re-extracted: "
                  f"{inc['one_changed_extracted']}."]
    if b.get("incremental_note"):
        lines += ["", f"({b['incremental_note']}.)"]
    return lines


def ceiling_over_rdflib(figures: dict, clients: str) -> float | None:
    """The bare ceiling's QPS on the mix over rdflib-endpoint's: what any pyoxigraph endpoint could reach."""
    ceiling = figures.get("ceiling", {}).get(MIX, {}).get(clients)
    rdflib = figures.get("rdflib-endpoint", {}).get(MIX, {}).get(clients)
    return ceiling["qps"] / rdflib["qps"] if ceiling and rdflib and rdflib["qps"] else None


def targets(results: dict) -> list[str]:
    """Each target of the issue with the measured figure and whether it is met."""
    out = []
    runs, b = results.get("queries") or [], results.get("build")
    q = runs[0] if runs else None  # the latency and start targets are judged on the first run (the corpus)
    for each in runs:
        rat, graph = each["ratios"], f"{each.get('factor', 1)}x corpus ({each['triples']:,} triples)"
        for clients in (str(c) for c in each["settings"]["clients"]):
            r = rat.get("kgpub/rdflib-endpoint", {}).get(MIX, {}).get(clients)
            if r is not None:
                bare = ceiling_over_rdflib(each["figures"], clients)
                out.append(f"- throughput ≥ 25× rdflib-endpoint on the {MIX}, {graph}, {clients} client(s): "
                           f"{r:.1f}× ({'met' if r >= 25 else 'missed'}; the bare ceiling: {fmt(bare)}×)")
            c = rat.get("kgpub/ceiling", {}).get(MIX, {}).get(clients)
            if c is not None:
                out.append(f"- throughput ≥ 80% of the in-memory ceiling on the {MIX}, {graph}, {clients} client(s): "
                           f"{100 * c:.0f}% ({'met' if c >= 0.8 else 'missed'})")
    if q:
        figs = q["figures"]
        lookups = [v["1"]["p95_ms"] for name, v in figs.get("kgpub", {}).items()
                   if name.startswith("lookup") and "1" in v]
        if lookups:
            worst = max(lookups)
            out.append(f"- p95 of lookups < 20 ms at 1 client: {worst:.2f} ms ({'met' if worst < 20 else 'missed'})")
        starts = q.get("kgpub_start_seconds")
        if starts:
            s = sorted(starts)[len(starts) // 2]
            out.append(f"- server start on an existing build < 3 s (to the first answered query): {s:.2f} s "
                       f"({'met' if s < 3 else 'missed'}); queries on the in-memory copy after "
                       f"{fmt(q.get('kgpub_in_memory_seconds'), 2)} s")
    if b:
        first, last = b["scales"][0], b["scales"][-1]
        if last is not first:
            factor = last["factor"] / first["factor"]
            growth = last["seconds"] / first["seconds"]
            out.append(f"- build of {last['factor']}x in ≤ {1.2 * factor:.0f}× the time of {first['factor']}x: "
                       f"{growth:.1f}× ({'met' if growth <= 1.2 * factor else 'missed'})")
        peak = max(s["peak_bytes"] for s in b["scales"])
        out.append(f"- peak memory < 4 GB: {peak / 2**30:.2f} GiB ({'met' if peak < 4 * 2**30 else 'missed'})")
        for inc in b.get("incremental") or []:
            share = inc["unchanged_seconds"] / inc["full_seconds"]
            out.append(f"- rebuild with nothing changed < 10% of a full build, at {inc['factor']}x: {100 * share:.0f}% "
                       f"({'met' if share < 0.1 else 'missed'}); one changed text re-extracts "
                       f"{inc['one_changed_extracted']} text(s)")
    return out


def markdown(results: dict) -> str:
    lines = ["# Benchmark figures", "", f"Run {results['started']} on {results['machine']}.", "", "## Targets", ""]
    lines += targets(results) + [""]
    for q in results.get("queries") or []:
        scale = f" on the {q['factor']}x corpus" if q.get("factor", 1) != 1 else ""
        lines += [f"## Queries over HTTP{scale}", ""] + class_table(q) + query_tables(q)
        failures = q.get("failures") or {}
        for name, per in failures.items():
            lines.append(f"- {name} fails on: " + ", ".join(f"{k} ({v})" for k, v in per.items())
                         + "; the mix leaves these queries out for every endpoint")
        lines += ["", f"Start (launch to first answered query): {q['start_seconds']}; kgpub alone, "
                  f"{len(q['kgpub_start_seconds'])} starts: "
                  + ", ".join(f"{s:.2f} s" for s in q["kgpub_start_seconds"]), ""]
    if results.get("pages"):
        from bench.pagebench import page_table
        lines += ["## Page render time of the most-mentioned person", "",
                  "Median of interleaved GETs on one server: the HTML page against the same resource's Turtle "
                  "and a SPARQL DESCRIBE of it.", "", *page_table(results["pages"]), ""]
    if results.get("build"):
        lines += ["## Build cost", "", *build_tables(results["build"]), "",
                  "![build time and memory against corpus size](build_scaling.png)", ""]
    return "\n".join(lines) + "\n"


def plot(build: dict, path: Path) -> Path:
    """Time (total and per stage) and peak memory against corpus size, log-log, with the linear line."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    scales = build["scales"]
    sizes = [s["corpus_bytes"] / 1e6 for s in scales]
    fig, (ax_time, ax_mem) = plt.subplots(1, 2, figsize=(11, 4.5))
    ax_time.plot(sizes, [s["seconds"] for s in scales], "o-", color="black", lw=2, label="whole build (wall)")
    for stage in sorted({k for s in scales for k in s["stages"]}):
        ax_time.plot(sizes, [s["stages"].get(stage, 0) or float("nan") for s in scales], ".--", label=stage)
    linear = [scales[0]["seconds"] * size / sizes[0] for size in sizes]
    ax_time.plot(sizes, linear, ":", color="grey", label="linear from the 1x build")
    ax_time.set(xscale="log", yscale="log", xlabel="corpus text (MB)", ylabel="seconds",
                title="Build time by stage")
    ax_time.legend(fontsize=8)
    ax_mem.plot(sizes, [s["peak_bytes"] / MIB for s in scales], "o-", color="tab:red", label="peak resident memory")
    ax_mem.axhline(4 * 1024**3 / MIB, color="grey", ls=":", label="4 GB target")
    ax_mem.set(xscale="log", yscale="log", xlabel="corpus text (MB)", ylabel="MiB",
               title="Peak memory of the build (all processes)")
    ax_mem.legend(fontsize=8)
    for ax in (ax_time, ax_mem):
        ax.grid(True, which="both", alpha=0.3)
        ax.xaxis.set_minor_formatter(NullFormatter())  # log-axis minor labels overlap; label the sizes measured
        ax.set_xticks(sizes, [f"{size:.2g}" for size in sizes])
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
