#!/usr/bin/env python3
"""Summarise the CPU samples of a JFR recording made by JMH's -prof jfr.

Reads jdk.ExecutionSample (thread in Java code) and jdk.NativeMethodSample (thread in a native
method: for ACCP that is AWS-LC doing the EC maths) of the benchmark thread, and prints the
methods with the largest share of samples, inclusive (anywhere on the stack) and self (top frame).

Usage: bench/tools/jfr-top.py RECORDING.jfr [N] [JAVA_HOME]
JFR_THREAD (environment) picks the threads by a substring of their name: "worker" (JMH's
benchmark thread) by default; "gateway-" for meshfed dev's request threads (bench/run-load.sh).
Native samples include threads blocked in a native call, so pick threads that do not idle there.
Needs the JDK's `jfr` tool (JAVA_HOME/bin/jfr, or on PATH).
"""
import collections
import json
import os
import subprocess
import sys


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    jfr = os.path.join(sys.argv[3], "bin", "jfr") if len(sys.argv) > 3 else "jfr"
    out = subprocess.run([jfr, "print", "--json", "--stack-depth", "128", "--events",
                          "jdk.ExecutionSample,jdk.NativeMethodSample", path],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(out)["recording"]["events"]
    incl = collections.Counter()
    self_ = collections.Counter()
    total = 0
    want = os.environ.get("JFR_THREAD", "worker")
    for e in events:
        v = e["values"]
        thread = (v.get("sampledThread") or {}).get("javaName") or ""
        if want not in thread:  # JMH's benchmark thread is "...-jmh-worker-N"
            continue
        frames = (v.get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        names = []
        for f in frames:
            m = f["method"]
            names.append(m["type"]["name"] + "." + m["name"])
        total += 1
        top = names[0] + (" [native]" if e["type"] == "jdk.NativeMethodSample" else "")
        self_[top] += 1
        for name in set(names):
            incl[name] += 1
    print(f"{total} samples of the threads named *{want}*")
    print("\n== inclusive (share of samples with the method on the stack) ==")
    for name, c in incl.most_common(n):
        print(f"{100.0 * c / total:6.1f}%  {name}")
    print("\n== self (top frame) ==")
    for name, c in self_.most_common(n):
        print(f"{100.0 * c / total:6.1f}%  {name}")


if __name__ == "__main__":
    main()
