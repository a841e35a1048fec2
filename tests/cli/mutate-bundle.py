#!/usr/bin/python3
"""Writes a copy of an evidence bundle with one observed value changed.

Usage: mutate-bundle.py IN OUT MUTATION   (MUTATION from `list`, or probe:ID)
       mutate-bundle.py list
       mutate-bundle.py probe-rows MATRIX
Mutations inside the probe's output re-digest it, so that exactly one
matrix row can fail; `list` prints every mutation with the row it must
make fail."""
import hashlib
import json
import sys


def inside(b, change):
    doc = json.loads(b["inside"]["text"])
    change(doc)
    text = json.dumps(doc, indent=1) + "\n"
    b["inside"]["text"] = text
    b["inside"]["sha256"] = hashlib.sha256(text.encode()).hexdigest()


def probe(doc, pid):
    return next(p for p in doc["probes"] if p["id"] == pid)


def outcome(pid, token):
    def change(doc):
        p = probe(doc, pid)
        p["attempts"][0]["outcome"] = token
        # The probe's own verdict keeps saying PASS: it must not be trusted.
        p["verdict"] = "PASS"
    return lambda b: inside(b, change)


def limit(name):
    def change(b):
        for entry in b["limits"]:
            if entry["limit"] == name:
                entry["equivalent"] = False
                entry["enforcer"] = "rlimit"
    return change


def drop_args(*args):
    def change(b):
        argv = b["sandbox"]["bwrap_argv"]
        for i in range(len(argv) - len(args) + 1):
            if argv[i:i + len(args)] == list(args):
                del argv[i:i + len(args)]
                return
        raise SystemExit("argv has no " + " ".join(args))
    return change


def setter(path, value):
    def change(b):
        node = b
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


MUTATIONS = {
    # mutation: (row that must fail, change)
    "problems": ("RUN-PROBLEMS", setter(["problems"], ["bwrap not found"])),
    "exit-code": ("SANDBOX-EXIT", setter(["bwrap_status", "exit_code"], 1)),
    "timed-out": ("SANDBOX-EXIT", setter(["launch", "timed_out"], True)),
    "inside-digest": ("INSIDE-DIGEST", setter(["inside", "sha256"], "0" * 64)),
    "inside-mode": ("INSIDE-CONSISTENT", lambda b: inside(b, lambda d: d.update(mode="baseline"))),
    "inside-date": ("INSIDE-CONSISTENT", lambda b: inside(b, lambda d: d.update(run_date="2020-01-01"))),
    "venue-empty": ("VENUE-NAMED", setter(["venue"], "")),
    "venue-linuxkit": ("VENUE-LINUX", setter(["venue_identity", "uname", "release"], "6.6.12-linuxkit")),
    "venue-mac": ("VENUE-LINUX", setter(["venue_identity", "uname", "sysname"], "Darwin")),
    "image-digest": ("IMAGE-DIGEST", setter(["image_digest"], "sha256:xyz")),
    "seccomp-sha256": ("SECCOMP-POLICY", setter(["seccomp_sha256"], "1" * 64)),
    "runtime": ("RUNTIME", setter(["runtime", "bwrap_version"], None)),
    "raw-mountinfo": ("RAW-EVIDENCE", lambda b: inside(b, lambda d: d["raw"].update(mountinfo=""))),
    "limit-pids": ("LIMIT-PIDS", limit("pids")),
    "limit-memory": ("LIMIT-MEMORY", limit("memory")),
    "limit-swap": ("LIMIT-SWAP", limit("swap")),
    "limit-cpu": ("LIMIT-CPU", limit("cpu")),
    "argv-cap-drop": ("ARGV-ISOLATION", drop_args("--cap-drop", "ALL")),
    "argv-clearenv": ("ARGV-ISOLATION", drop_args("--clearenv")),
    "weakened": ("NOT-WEAKENED", setter(["sandbox", "weakened"], "seccomp")),
    "namespace-host": ("NAMESPACES", lambda b: b["bwrap_status"]["host_namespaces"].update(
        net=b["bwrap_status"]["namespaces"]["net"])),
    "profile-limit": ("PROFILE-DIGEST", lambda b: b["profile"].update(
        text=b["profile"]["text"].replace("cgroup-v1 equivalent", "rlimit equivalent", 1))),
    "profile-digest": ("PROFILE-DIGEST", setter(["profile", "digest"], "2" * 64)),
    "dynimport": ("PR-DYNIMPORT", setter(["build_checks", "PR-DYNIMPORT", "dlopen_reference"], True)),
    "probe-sock-1": ("PR-SOCK-1", outcome("PR-SOCK-1", "OK")),
    "probe-net-2": ("PR-NET-2", outcome("PR-NET-2", "EXTRA_IFACE")),
    "probe-mount-1": ("PR-MOUNT-1", outcome("PR-MOUNT-1", "NOEXEC_MISSING")),
    "probe-cap-1": ("PR-CAP-1", outcome("PR-CAP-1", "NONZERO")),
    "probe-missing": ("PR-PTRACE-1", lambda b: inside(b, lambda d: d.update(
        probes=[p for p in d["probes"] if p["id"] != "PR-PTRACE-1"]))),
}


def main():
    if sys.argv[1] == "probe-rows":
        # Every probe row of the matrix: its first attempt's outcome
        # replaced by a token no row accepts.
        matrix = json.load(open(sys.argv[2]))
        for row in matrix["rows"]:
            if row["kind"] == "probe":
                print(row["id"])
        return
    if sys.argv[1] == "list":
        for name, (row, _) in MUTATIONS.items():
            print(name, row)
        return
    src, dst, name = sys.argv[1:4]
    bundle = json.load(open(src))
    if name.startswith("probe:"):
        outcome(name[len("probe:"):], "MUTATED")(bundle)
    else:
        MUTATIONS[name][1](bundle)
    # The stored verdict keeps claiming acceptance: a verifier must not care.
    bundle["verdict"] = "ACCEPTED"
    json.dump(bundle, open(dst, "w"), indent=1)


main()
