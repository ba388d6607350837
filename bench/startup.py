#!/usr/bin/env python3
"""Cold-start cost of one paste: `wsguide lookup "<text>"` against `python3 -c pass`.

    python bench/startup.py            # 30 interleaved runs of each, medians and the ratio
    python bench/startup.py --json

Budget (issue 2): the lookup median <= 5x the `python3 -c pass` median, same machine, same run.
The index cache is warmed first (a real user's second and later runs); the first, cache-building
run is reported separately. Also reports `wsguide --version` and `wsguide --help`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASTE = ("WebSocket connection to 'wss://chat.example.com/ws' failed: Error during WebSocket "
         "handshake: Unexpected response code: 502")


def wall(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    cache = tempfile.mkdtemp(prefix="wsguide-bench-")
    env = {**os.environ, "XDG_CACHE_HOME": cache, "NO_COLOR": "1"}
    exe = shutil.which("wsguide")
    wsguide = [exe] if exe else [sys.executable, "-m", "wsguide"]
    cold = wall([*wsguide, "lookup", PASTE], env)  # builds the index cache
    cmds = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "wsguide lookup TEXT": [*wsguide, "lookup", PASTE],
        "wsguide lookup --json TEXT": [*wsguide, "lookup", "--json", PASTE],
        "wsguide --version": [*wsguide, "--version"],
    }
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(args.runs):  # interleaved, so drift hits every command alike
        for name, cmd in cmds.items():
            times[name].append(wall(cmd, env))
    shutil.rmtree(cache, ignore_errors=True)
    base = statistics.median(times["python -c pass"])
    result = {"runs": args.runs, "entry": " ".join(wsguide[:1] if exe else wsguide),
              "first_run_building_index_ms": round(cold * 1000, 1)}
    for name, samples in times.items():
        med = statistics.median(samples)
        result[name] = {"median_ms": round(med * 1000, 1), "x_python": round(med / base, 2)}
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"runs: {args.runs} (interleaved), entry point: {result['entry']}")
        print(f"first run (builds the index cache): {result['first_run_building_index_ms']} ms")
        for name in cmds:
            r = result[name]
            print(f"{name:30} median {r['median_ms']:7.1f} ms   {r['x_python']:5.2f}x python -c pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
