#!/usr/bin/env python3
"""Turns scripts/bench's raw files into Markdown tables (stdout) and one
JSON document.  Usage: summarize.py RAW_DIR JSON_OUT"""
import json
import os
import statistics
import sys

raw, json_out = sys.argv[1], sys.argv[2]
out = {}

LABELS = {
    "attest": "`sandbox-attest run` (full attestation: compile, limits, staging, probe, bundle, verdict)",
    "bwrap-cg": "bare bwrap, same flags, same probe, in fresh cgroup v1 limits (fair baseline)",
    "bwrap": "bare bwrap, same flags, same probe, **no limits** (not comparable: limit probes run unbounded)",
    "docker": "`docker run`, the reference flags, same probe",
    "podman": "rootful `podman run`, the reference flags, same probe",
}


def path(name):
    return os.path.join(raw, name)


def lines(name):
    if not os.path.exists(path(name)):
        return []
    with open(path(name)) as f:
        return [l.rstrip("\n") for l in f if l.strip()]


def text(name):
    return open(path(name)).read() if os.path.exists(path(name)) else ""


def stats(values):
    v = sorted(values)
    return {"n": len(v), "min": v[0], "median": statistics.median(v), "max": v[-1]} if v else None


def ms(us):
    return f"{us / 1000:.1f}"


def meta():
    m = {}
    for l in lines("meta.txt"):
        k, _, v = l.partition("=")
        m[k] = v
    return m


def e2e():
    rows = [l.split("\t") for l in lines("e2e.tsv")]
    cases = lines("cases.txt")
    res = {}
    print("## 1. End-to-end, interleaved (ms; whole process, `$EPOCHREALTIME` around each run)\n")
    print(meta().get("e2e_note", ""))
    print()
    print("| case | runs | failed | min | median | max | median / fair baseline |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    base = "bwrap-cg" if "bwrap-cg" in cases else "bwrap"
    per = {c: [int(r[1]) for r in rows if r[0] == c and r[2] == "0"] for c in cases}
    fails = {c: sum(1 for r in rows if r[0] == c and r[2] != "0") for c in cases}
    base_med = statistics.median(per[base]) if per.get(base) else None
    for c in cases:
        s = stats(per[c])
        res[c] = {"label": LABELS.get(c, c), "failed": fails[c], "us": s}
        if s is None:
            print(f"| {LABELS.get(c, c)} | 0 | {fails[c]} | – | – | – | – |")
            continue
        ratio = s["median"] / base_med if base_med else float("nan")
        res[c]["ratio_to_baseline"] = ratio
        print(f"| {LABELS.get(c, c)} | {s['n']} | {fails[c]} | {ms(s['min'])} | {ms(s['median'])} | {ms(s['max'])} | {ratio:.2f} |")
    # Paired ratios: each attest run against the baseline run of the same round.
    for other in [c for c in cases if c not in ("attest",)]:
        a = [int(r[1]) for r in rows if r[0] == "attest"]
        b = [int(r[1]) for r in rows if r[0] == other]
        pairs = [x / y for x, y, ra, rb in zip(a, b, [r for r in rows if r[0] == "attest"],
                                               [r for r in rows if r[0] == other]) if ra[2] == "0" and rb[2] == "0"]
        if pairs:
            res.setdefault("paired_ratio_attest_over", {})[other] = stats(pairs)
    if res.get("paired_ratio_attest_over"):
        print("\nPaired ratios, `sandbox-attest run` / other, run by run in the same round (median, min–max):\n")
        for other, s in res["paired_ratio_attest_over"].items():
            print(f"- / {other}: **{s['median']:.2f}** ({s['min']:.2f}–{s['max']:.2f}, {s['n']} pairs)")
    # The venue's own cost: each run's wall time minus the probe's own
    # duration in that run (inside.json duration_us); the k-th row of a case
    # is round k.
    probe_total = {(r[0], int(r[1])): int(r[3]) for r in (l.split("\t") for l in lines("groups.tsv"))
                   if r[2] == "(probe total)"}
    over = {}
    for c in cases:
        mine = [r for r in rows if r[0] == c]
        over[c] = [int(r[1]) - probe_total[(c, k + 1)] for k, r in enumerate(mine)
                   if r[2] == "0" and (c, k + 1) in probe_total]
        res[c]["samples_us"] = [int(r[1]) for r in mine]
    if over.get("attest"):
        a_med = statistics.median(over["attest"])
        print("\nThe venue's own cost: wall time minus the probe's own duration (inside.json `duration_us`), "
              "per run; this is what a venue adds around the same probe (ms):\n")
        print("| case | runs | min | median | max | median / `sandbox-attest run`'s |")
        print("|---|---:|---:|---:|---:|---:|")
        for c in cases:
            s = stats(over[c])
            if s:
                res[c]["overhead_us"] = s
                print(f"| {c} | {s['n']} | {ms(s['min'])} | {ms(s['median'])} | {ms(s['max'])} | {s['median'] / a_med:.2f} |")
    # Issue 6: the Docker venue's wall time beside the bwrap venue's, the
    # same probe, medians of this run, as a ratio.
    if res.get("docker", {}).get("us") and res.get("attest", {}).get("us"):
        d, a = res["docker"]["us"]["median"], res["attest"]["us"]["median"]
        v = {"docker_median_us": d, "bwrap_venue_median_us": a, "ratio": d / a}
        line = (f"\n**Docker venue / bwrap venue, the same probe** (medians of this run): `docker run` with the "
                f"reference flags {ms(d)} ms / `sandbox-attest run` {ms(a)} ms = **{d / a:.2f}×**")
        if res.get("bwrap-cg", {}).get("us"):
            b = res["bwrap-cg"]["us"]["median"]
            v["bwrap_cg_median_us"], v["ratio_to_bwrap_cg"] = b, d / b
            line += f"; against bare bwrap in the same limits ({ms(b)} ms): {d / b:.2f}×"
        pr = res.get("paired_ratio_attest_over", {}).get("docker")
        if pr:
            v["paired_ratio"] = 1 / pr["median"]
            line += f"; paired, round by round: {1 / pr['median']:.2f}×"
        res["docker_over_bwrap_venue"] = v
        print(line + ".")
    for c in cases:
        err = text(f"errors-{c}.txt").strip().splitlines()
        if err:
            res[c]["first_error"] = err[0]
            print(f"\n{c} failed {fails[c]}×; first error line: `{err[0]}`")
    docker_note = text("docker-note.txt").strip()
    if docker_note:
        res["docker_note"] = docker_note
        print("\n" + docker_note)
    print()
    out["end_to_end"] = res
    return cases


GROUP_ORDER = []


def breakdown(cases):
    runs = [json.loads(l) for l in lines("attest.jsonl")]
    if not runs:
        return
    keys = ["compile", "prepare", "bwrap_version", "limits_setup", "sandbox", "staging", "bwrap_start",
            "sandbox_ready", "host", "limits_teardown", "collect", "total"]
    what = {
        "compile": "policy + matrix load, compile to BPF",
        "prepare": "work folders, private copy of the probe",
        "bwrap_version": "waiting for `bwrap --version` (spawned before compile)",
        "host": "↳ host facts (probe sha256s, identity, namespaces), while the probe runs",
        "limits_setup": "cgroups created and limits written",
        "sandbox": "launch to bwrap's exit (the ↳ rows below are inside it)",
        "staging": "↳ fork, attach to cgroups, staging user+mount ns, /tmp, up to bwrap's exec",
        "bwrap_start": "↳ bwrap exec to json-status child-pid",
        "sandbox_ready": "↳ bwrap exec to the probe's first output (bwrap's mounts, probe exec)",
        "limits_teardown": "peaks read, cgroups removed",
        "collect": "json-status and inside.json read",
        "total": "start to judging (bundle judging + writing come after: `--timings` prints it)",
    }
    res = {}
    print("## 2. Where the time of `sandbox-attest run` goes (ms; medians over the runs above, from the bundles' `timings_us`)\n")
    print("| stage | median | min | max | what |")
    print("|---|---:|---:|---:|---|")
    for k in keys:
        s = stats([r["timings_us"][k] for r in runs if k in r.get("timings_us", {})])
        if s:
            res[k] = s
            print(f"| {k} | {ms(s['median'])} | {ms(s['min'])} | {ms(s['max'])} | {what[k]} |")
    # Judging and writing the bundle is not in the bundle: `--timings`
    # prints it (the peak-memory runs of section 5).
    bundle = stats([float(t[2]) * 1000 for t in (l.split("\t") for l in lines("mem-tool.tsv"))
                    if len(t) > 2 and t[2]])
    if bundle:
        res["bundle"] = bundle
        print(f"| bundle | {ms(bundle['median'])} | {ms(bundle['min'])} | {ms(bundle['max'])} | after total: the bundle "
              f"serialized, judged by the verifier as written, written and fsynced (`--timings`, {bundle['n']} runs of section 5) |")
    out["stages_us"] = res
    # The probe's own per-group time, inside each venue.
    rows = [l.split("\t") for l in lines("groups.tsv")]
    groups = []
    for r in rows:
        if r[2] not in groups:
            groups.append(r[2])
    table = {}
    for c in cases:
        for g in groups:
            per_run = {}
            for r in rows:
                if r[0] == c and r[2] == g:
                    per_run[r[1]] = per_run.get(r[1], 0) + int(r[3])
            if per_run:
                table.setdefault(c, {})[g] = statistics.median(per_run.values())
    if table:
        print("\nThe probe's own clock, per group (ms, median of per-run sums; `probes[].duration_us` of inside.json):\n")
        cs = [c for c in cases if c in table]
        print("| group | " + " | ".join(cs) + " |")
        print("|---|" + "---:|" * len(cs))
        for g in groups:
            print(f"| {g} | " + " | ".join(ms(table[c][g]) if g in table[c] else "–" for c in cs) + " |")
    out["probe_groups_us"] = table
    print()


def filt():
    if not os.path.exists(path("filter.json")):
        return
    print("## 3. The filter: ns per system call (median over interleaved rounds; each program loaded as bwrap does)\n")
    print(text("filter.md"))
    out["filter"] = json.loads(text("filter.json"))


def compile_time():
    rows = [json.loads(l) for l in lines("compile.jsonl")]
    cold = [l.split("\t") for l in lines("compile-cold.tsv")]
    if not rows:
        return
    print("## 4. Compile time (µs)\n")
    print("| policy | BPF insns | in-process runs | min | median | max | empty policy median | whole `sandbox-attest compile` process, median (min–max) |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    res = []
    for r in rows:
        c = stats([int(x[1]) for x in cold if x[0] == r["policy"]])
        r["cold_process_us"] = c
        res.append(r)
        cold_s = f"{c['median']:.0f} ({c['min']:.0f}–{c['max']:.0f}), {c['n']} runs" if c else "–"
        print(f"| {r['policy']} | {r['insns']} | {r['runs']} | {r['min_us']:.0f} | {r['median_us']:.0f} | {r['max_us']:.0f} | {r['empty_policy_median_us']:.0f} | {cold_s} |")
    print()
    out["compile"] = res


def memory():
    tool = [l.split("\t") for l in lines("mem-tool.tsv")]
    runs = [json.loads(l) for l in lines("attest.jsonl")]
    res = {}
    print("## 5. Peak memory\n")
    print("| what | runs | min | median | max |")
    print("|---|---:|---:|---:|---:|")
    if tool:
        a = stats([int(t[0]) / 1024 for t in tool])
        b = stats([float(t[1]) for t in tool if t[1]])
        res["tool_time_v_maxrss_mib"] = a
        res["tool_getrusage_self_mib"] = b
        print(f"| sandbox-attest run, `/usr/bin/time -v` max RSS (MiB; the tool and the children it waited for: bwrap, not the sandbox) | {a['n']} | {a['min']:.1f} | {a['median']:.1f} | {a['max']:.1f} |")
        if b:
            print(f"| sandbox-attest itself, getrusage(RUSAGE_SELF) (`--timings`, MiB) | {b['n']} | {b['min']:.1f} | {b['median']:.1f} | {b['max']:.1f} |")
    peaks = [o["observed"].get("peak_bytes") for r in runs for o in r.get("peaks", []) if o["limit"] == "memory"]
    peaks = [p for p in peaks if p is not None]
    if peaks:
        s = stats([p / 2**20 for p in peaks])
        res["sandbox_cgroup_peak_mib"] = s
        print(f"| the sandbox's memory cgroup, whole run (bundle `limits[memory].observed.peak_bytes`, MiB; PR-RES-MEM touches up to the 256 MiB limit on purpose) | {s['n']} | {s['min']:.0f} | {s['median']:.0f} | {s['max']:.0f} |")
    per_probe = {}
    for name in sorted(os.listdir(raw)):
        if name.startswith("peaks-"):
            for l in lines(name):
                k, _, v = l.partition(" ")
                if k.startswith("PR-"):
                    per_probe.setdefault(k, []).append(int(v))
    if per_probe:
        without = [max(v[i] for k, v in per_probe.items() if k != "PR-RES-MEM" and i < len(v))
                   for i in range(min(len(v) for v in per_probe.values()))]
        s = stats([w / 2**20 for w in without])
        m = stats([v / 2**20 for v in per_probe.get("PR-RES-MEM", [])])
        top = sorted(((statistics.median(v), k) for k, v in per_probe.items() if k != "PR-RES-MEM"), reverse=True)[:3]
        res["probe_peak_without_res_mem_mib"] = s
        res["probe_peak_res_mem_mib"] = m
        res["largest_other_probes_mib"] = {k: v / 2**20 for v, k in top}
        print(f"| the probe without PR-RES-MEM: max over the other probes' peaks (bare bwrap in the same limits, cgroup high-water mark read and reset after each probe, MiB) | {s['n']} | {s['min']:.1f} | {s['median']:.1f} | {s['max']:.1f} |")
        if m:
            print(f"| PR-RES-MEM alone (same method, MiB) | {m['n']} | {m['min']:.0f} | {m['median']:.0f} | {m['max']:.0f} |")
        print("\nLargest other probes (median MiB): " + ", ".join(f"{k} {v / 2**20:.1f}" for v, k in top))
    print()
    out["memory"] = res


def throughput():
    rows = [l.split("\t") for l in lines("throughput.tsv")]
    if not rows:
        return
    print("## 6. Throughput: N concurrent `sandbox-attest run`s from one account\n")
    print(f"{meta().get('throughput_note', '')}\n")
    print("| account | N | batches | batch wall, median s (min–max) | attestations/s (median) | ACCEPTED |")
    print("|---|---:|---:|---|---:|---|")
    res = []
    for acct in dict.fromkeys(r[0] for r in rows):
        for n in dict.fromkeys(r[1] for r in rows if r[0] == acct):
            sel = [r for r in rows if r[0] == acct and r[1] == n]
            s = stats([int(r[3]) / 1e6 for r in sel])
            ok = sum(int(r[4]) for r in sel)
            total = sum(int(r[5]) for r in sel)
            rate = int(n) / s["median"]
            res.append({"account": acct, "n": int(n), "wall_s": s, "per_s": rate, "accepted": ok, "runs": total})
            print(f"| {acct} | {n} | {len(sel)} | {s['median']:.2f} ({s['min']:.2f}–{s['max']:.2f}) | {rate:.2f} | {ok}/{total} |")
    print()
    out["throughput"] = res


def exec_startup():
    rows = [l.split("\t") for l in lines("exec.tsv")]
    cases = lines("exec-cases.txt")
    if not rows:
        note = meta().get("exec_note")
        if note:
            print(f"## 7. `sandbox-attest exec` start-up\n\n{note}\n")
        return
    print("## 7. `sandbox-attest exec` start-up against bare bwrap with the same flags (ms; interleaved)\n")
    print("The command is `/opt/bin/echo-exit a b 0` (a static binary: prints, exits 0) from an `--ro-bind`; "
          "the bundle was attested once with the same bind.  Bare bwrap gets the attested profile's options "
          "(`profile.text`), the same filter and command; `bwrap-cg` runs it in fresh cgroup v1 limits equal to "
          "the tool's (`bench-cgexec`).\n")
    print("| case | runs | failed | min | median | max | median / bare bwrap in the same limits |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    base = "bwrap-cg" if "bwrap-cg" in cases else "bwrap"
    per = {c: [int(r[1]) for r in rows if r[0] == c and r[2] == "1"] for c in cases}
    res = {}
    base_med = statistics.median(per[base]) if per.get(base) else None
    labels = {"exec": "`sandbox-attest exec --bundle B --ro-bind DIR /opt/bin -- /opt/bin/echo-exit a b 0`",
              "bwrap-cg": "bare bwrap, the same flags and command, in fresh cgroup v1 limits",
              "bwrap": "bare bwrap, the same flags and command, no limits"}
    for c in cases:
        s = stats(per[c])
        failed = sum(1 for r in rows if r[0] == c and r[2] != "1")
        res[c] = {"us": s, "failed": failed}
        if s is None:
            print(f"| {labels.get(c, c)} | 0 | {failed} | – | – | – | – |")
            continue
        ratio = s["median"] / base_med if base_med else float("nan")
        res[c]["ratio_to_baseline"] = ratio
        print(f"| {labels.get(c, c)} | {s['n']} | {failed} | {ms(s['min'])} | {ms(s['median'])} | {ms(s['max'])} | {ratio:.2f} |")
    a = [r for r in rows if r[0] == "exec"]
    b = [r for r in rows if r[0] == base]
    pairs = [int(x[1]) / int(y[1]) for x, y in zip(a, b) if x[2] == "1" and y[2] == "1"]
    if pairs:
        p = stats(pairs)
        res["paired_ratio_exec_over_" + base] = p
        print(f"\nPaired, round by round, exec / {base}: **{p['median']:.2f}×** ({p['min']:.2f}–{p['max']:.2f}, {p['n']} pairs)")
    if per.get("exec") and base_med:
        print(f"\nexec's own start-up cost: {ms(statistics.median(per['exec']) - base_med)} ms (median difference)")
    err = text("errors-exec.txt").strip().splitlines()
    if err:
        res["first_error"] = err[0]
        print(f"\nfirst failure: `{err[0]}`")
    print()
    out["exec_startup"] = res


out["meta"] = meta()
cases = e2e()
breakdown(cases)
filt()
compile_time()
memory()
throughput()
exec_startup()
with open(json_out, "w") as f:
    json.dump(out, f, indent=2, sort_keys=True)
    f.write("\n")
print(f"JSON: {json_out}")
