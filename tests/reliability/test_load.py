"""Load: the researcher query mix from 16 clients while runaway queries hold part of the pool."""
from __future__ import annotations

from pathlib import Path

from bench.load import EXPENSIVE, ORDINARY, Client, run_phase, timed

CLIENTS = 16
RUNAWAY = 2
SECONDS = 12


def worker_processes(server_pid: int) -> list[int]:
    """The query processes the server runs now: its descendants started by multiprocessing's spawn (workers on
    the on-disk store, the process holding the in-memory copy, and the workers that one forked)."""
    parents, query_processes = {}, set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        if b"multiprocessing.spawn" in cmdline and b"spawn_main" in cmdline:
            query_processes.add(pid)

    def descends(pid: int) -> bool:
        while pid in parents and pid != server_pid:
            pid = parents[pid]
        return pid == server_pid

    return sorted(pid for pid in query_processes if descends(pid))


def test_every_ordinary_query_is_answered_while_runaway_queries_are_stopped(served):
    phase = run_phase(served.url, "with runaway queries", SECONDS, CLIENTS, RUNAWAY, max_requests=20_000)
    print("\n" + phase.summary())
    assert len(phase.ordinary()) > CLIENTS, "the ordinary clients got almost nothing through"
    assert {s.query for s in phase.ordinary()} == {q.name for q in ORDINARY}
    assert phase.errors() == [], phase.errors()[:5]
    assert phase.expensive(), "no runaway query was sent"
    assert phase.timed_out() == phase.expensive(), [s for s in phase.expensive() if s not in phase.timed_out()]
    assert {s.query for s in phase.expensive()} <= {q.name for q in EXPENSIVE}


def test_a_stopped_query_leaves_no_process_behind_and_the_pool_serves_again(served):
    before = worker_processes(served.process.pid)
    client = Client(served.url)
    stopped = [timed(client, query, True) for query in EXPENSIVE]
    assert [s.status for s in stopped] == [503] * len(EXPENSIVE)
    assert all("limit" in s.note and "Traceback" not in s.note for s in stopped)
    answered = timed(client, ORDINARY[0], False)
    client.close()
    assert answered.status == 200
    after = worker_processes(served.process.pid)
    # the workers of the runaway queries were killed (their processes are gone) and replaced by fresh ones
    assert len(after) == len(before) > 0
    assert set(before) - set(after) and set(after) - set(before)
