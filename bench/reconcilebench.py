"""Reconciliation cost per query as the graph grows: the name index against a scan of every entity's names.

    python -m bench.reconcilebench [--build-dir DIR] [--factors 1,10,100]

The graph's own persons, works, congresses and organisations, plus made-up entities up to `factor` times as
many, are indexed once; the 30-name table of the end-to-end test is then answered through the index (what
/reconcile does) and by scoring every entity (the peer), in the same run. Printed: microseconds per query
for both, their ratio, and each one's growth against the smallest graph.
"""
from __future__ import annotations

import argparse
import random
import string
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from kgpub.builds import current_build
from kgpub.server.reconcile import Entity, NameIndex, load_entities, name_score

TABLE = ["Lenin", "V.I. Lenin", "Lenin, Vladimir Ilyich", "Trotzky", "Stalin, J. V.", "Kameneff", "Sergey Kamenev",
         "G. Zinovyev", "Karl Kautski", "Bukharin, N.", "A. F. Kerensky", "Miliukoff", "Krasnov, P.", "Mao Tse-tung",
         "Lloyd George", "Scheidemann", "Mikhail Kutuzov", "Rosa Luxemburg", "Georgi Plekhanov", "Adolf Hitler",
         "F. Engels", "Marx, Karl", "Kolchak", "Nicholas II", "Bucharin", "Ramsay Macdonald", "Avksentyev",
         "M. Tomsky", "Noske, Gustav", "Karl Radek"]


def word(rng: random.Random, shortest: int, longest: int) -> str:
    return rng.choice(string.ascii_uppercase) + "".join(rng.choices(string.ascii_lowercase,
                                                                    k=rng.randint(shortest, longest)))


def made_up(n: int, seed: int = 0) -> list[Entity]:
    """n persons with random given names and surnames (Russian-shaped, so transliterations apply)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        given = word(rng, 3, 7)
        surname = word(rng, 3, 8) + rng.choice(["ov", "ev", "sky", "in", "er"])
        name = f"{given} {surname}"
        out.append(Entity(f"https://example.org/person/made-up-{i}", "person", name,
                          {name, surname, f"{given[0]}. {surname}"}))
    return out


def per_query_us(answer, rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        for text in TABLE:
            answer(text)
    return (time.perf_counter() - start) / (rounds * len(TABLE)) * 1e6


def measure(real: list[Entity], factor: int, rounds: int) -> dict:
    entities = real + made_up(len(real) * (factor - 1))
    kinds = {"person", "work", "congress", "organization"}
    built = time.perf_counter()
    index = NameIndex(entities)
    built = time.perf_counter() - built

    def through_index(text: str):
        return sorted((name_score(text, index.entities[i])[0] for i in index.candidates(text, kinds)), reverse=True)

    def scan(text: str):
        return sorted((name_score(text, e)[0] for e in entities), reverse=True)

    return {"entities": len(entities), "index_build_s": built, "index_us": per_query_us(through_index, rounds),
            "scan_us": per_query_us(scan, max(1, rounds // factor))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=Path("data/build"), help="folder of builds")
    parser.add_argument("--factors", default="1,10,100", help="graph sizes, as multiples of the real graph")
    parser.add_argument("--rounds", type=int, default=20, help="times the table is answered at the smallest size")
    args = parser.parse_args(argv)
    real = load_entities(ox.Store.read_only(str(current_build(args.build_dir).store_path)))
    rows = [measure(real, int(f), args.rounds) for f in args.factors.split(",")]
    first = rows[0]
    print(f"{'entities':>9} {'index µs/query':>15} {'scan µs/query':>14} {'scan÷index':>11} "
          f"{'index growth':>13} {'scan growth':>12} {'index built s':>14}")
    for r in rows:
        print(f"{r['entities']:>9} {r['index_us']:>15.0f} {r['scan_us']:>14.0f} {r['scan_us'] / r['index_us']:>11.1f} "
              f"{r['index_us'] / first['index_us']:>13.2f} {r['scan_us'] / first['scan_us']:>12.1f} "
              f"{r['index_build_s']:>14.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
