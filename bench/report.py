"""From the probe's and /proc's raw numbers to the summaries, the Markdown
tables (printed, and put into README.md by bench/run --readme) and the
checks a smoke run must pass."""
import os
import re


def percentile(values, q):
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


def _window(marks, phase):
    begin, end = marks.get((phase, "begin")), marks.get((phase, "end"))
    if not begin or not end:
        return None
    wall = end[0] - begin[0]
    return {"seconds": wall / 1e9, "cpu_s": (end[1] - begin[1]) / 1e9,
            "cpu_pct": 100 * (end[1] - begin[1]) / max(wall, 1),
            "rss_kb": sum(m[0] for m in end[2]), "hwm_kb": sum(m[1] for m in end[2])}


def session_summary(name, target, probe, marks, daemons_count):
    s = {"name": name, "target": target, "beds": probe["beds"], "pleth": probe["pleth"], "daemons": daemons_count}
    steady = _window(marks, "steady")
    if steady:
        steady.update(obs_received=probe["steady"]["obs_received"], overruns=probe["steady"]["overruns"],
                      alarms=probe["steady"]["alarms"])
        s["steady"] = steady
        s["cpu_pct"] = steady["cpu_pct"]
        s["rss_mb"] = steady["rss_kb"] / 1024
    if "latency" in probe:
        lat = probe["latency"]
        s.update(latency_us=lat["raised_us"], cleared_us=lat["cleared_us"], alarms=lat["alarms"], lost=lat["lost"])
        w = _window(marks, "latency")
        s["latency_cpu_pct"] = w["cpu_pct"] if w else None
    if "flood" in probe:
        f, w = probe["flood"], _window(marks, "flood")
        s["flood"] = {"lines": f["lines_written"], "obs": f["obs_received"], "seq_gaps": f["seq_gaps"],
                      "obs_per_s": f["obs_received"] / max(f["seconds"], 1e-9),
                      "obs_per_cpu_s": f["obs_received"] / max(w["cpu_s"], 1e-9), "cpu_pct": w["cpu_pct"],
                      "rss_mb": w["rss_kb"] / 1024}
    return s


def merge_sessions(a, b):
    """Two runs of the same setup, taken in turn with the other daemon's."""
    if a is None:
        return dict(b, runs=1)
    m = dict(a, runs=a["runs"] + 1)
    m["latency_us"] = a["latency_us"] + b["latency_us"]
    m["cleared_us"] = a["cleared_us"] + b["cleared_us"]
    m["alarms"] = a["alarms"] + b["alarms"]
    m["lost"] = a["lost"] + b["lost"]
    n = m["runs"]
    m["cpu_pct"] = (a["cpu_pct"] * (n - 1) + b["cpu_pct"]) / n
    m["rss_mb"] = max(a["rss_mb"], b["rss_mb"])
    fa, fb = a["flood"], b["flood"]
    m["flood"] = {k: (fa[k] * (n - 1) + fb[k]) / n for k in ("obs_per_s", "obs_per_cpu_s", "cpu_pct")}
    m["flood"].update(seq_gaps=fa["seq_gaps"] + fb["seq_gaps"], rss_mb=max(fa["rss_mb"], fb["rss_mb"]),
                      lines=fa["lines"] + fb["lines"], obs=fa["obs"] + fb["obs"])
    return m


def restart_summary(runs, beds):
    restarts = runs[1:]  # the first start is cold: the probe was still getting ready
    ready = sorted(r["ready_ms"] for r in runs)
    back = sorted(r["alarm_ms"] for r in restarts)
    after_line = sorted(r["alarm_after_line_ms"] for r in restarts if r["alarm_after_line_ms"] is not None)
    return {"beds": beds, "runs": runs, "ready_ms_median": percentile(ready, 50), "ready_ms_max": ready[-1],
            "alarm_ms_median": percentile(back, 50), "alarm_ms_max": back[-1] if back else None,
            "after_line_ms_median": percentile(after_line, 50), "after_line_ms_max": after_line[-1],
            "transitions": sorted({r["alarm_transition"] for r in restarts})}


def lat(s):
    v = s.get("latency_us", [])
    return percentile(v, 50), percentile(v, 99), max(v) if v else None


def one_line(s):
    p50, p99, mx = lat(s)
    parts = []
    if "cpu_pct" in s:
        parts.append(f"CPU {s['cpu_pct']:.2f} %, RSS {s['rss_mb']:.1f} MB")
    if p50 is not None:
        parts.append(f"alarm p50 {p50:.0f} us p99 {p99:.0f} us max {mx:.0f} us, lost {s['lost']}")
    if "flood" in s:
        parts.append(f"flood {s['flood']['obs_per_s']:.0f} obs/s")
    return "; ".join(parts)


def one_line_restart(r):
    return (f"ready in {r['ready_ms_median']:.0f} ms (median), active alarm back {r['alarm_ms_median']:.0f} ms "
            f"after the restart (median, {'/'.join(r['transitions'])})")


def check(results, strict):
    """A smoke run fails when something does not work at all; timings never fail."""
    problems = []
    for name, s in list(results["peer"].items()) + [(s["name"], s) for s in results["scale"]] + \
            [("multi", results["multi"])]:
        if s.get("lost"):
            problems.append(f"{name}: {s['lost']} of {s['alarms']} alarms never arrived")
        if s.get("alarms") and not s.get("latency_us"):
            problems.append(f"{name}: no alarm was timed")
        if "flood" in s and s["flood"]["obs"] == 0:
            problems.append(f"{name}: the flood delivered no reading")
    for r in results["core"]["results"]:
        if r["obs_per_cpu_s"] <= 0 or r["dropped"]:
            problems.append(f"core {r['protocol']} {r['stage']}: {r['obs_per_cpu_s']} obs/s, {r['dropped']} dropped")
    for p in problems:
        print(f"bench: {p}")
    if problems and strict:
        raise SystemExit("bench: the smoke run found the problems above")


def _si(v, digits=3):
    if v is None:
        return "–"
    for div, suffix in ((1e6, " M"), (1e3, " k")):
        if abs(v) >= div:
            return f"{v / div:.{digits}g}{suffix}"
    return f"{v:.{digits}g}"


def _us(v):
    return "–" if v is None else (f"{v / 1000:.2f} ms" if v >= 1000 else f"{v:.0f} µs")


def _share_over(s, us):
    v = s.get("latency_us", [])
    return "–" if not v else f"{100 * sum(x > us for x in v) / len(v):.1f} %"


def _ratio(a, b):
    return "–" if not a or not b else f"{a / b:.3g}×"


def markdown(r):
    m = r["machine"]
    busy = max(m["busy_pct_before"], m["busy_pct_after"])
    out = [f"Taken {r['date']} at commit {r['commit']} with `{r['command']}` ({r['seconds']:.0f} s) on "
           f"{m['nproc']} × {m['cpu']}, {m['memory_gb']} GB RAM, Linux {m['kernel']}. "
           f"Other processes were using {m['busy_pct_before']:.0f} % of the machine's CPUs in the second before "
           f"the run and {m['busy_pct_after']:.0f} % in the second after it (load average "
           f"{m['loadavg_start']:.1f} at the start, {m['loadavg_end']:.1f} at the end)"
           + (": wall-clock rates are lower than CPU-time rates, and latency tails longer than on an idle "
              "machine." if busy > 10 or m["loadavg_start"] > 1 else "."), ""]

    out += ["**1. Core throughput** (one pinned core; observations per CPU-second; a steady patient; "
            "full = decode + rules + rhythm + alarm engine + protobuf + ZeroMQ PUB to a subscriber that "
            "receives every message; the subscriber's own CPU is not counted)", "",
            "| protocol | decode only | full path | full path, wall clock | device-seconds per CPU-second "
            "(beds one core could serve) |", "|---|---:|---:|---:|---:|"]
    core = {(x["protocol"], x["stage"]): x for x in r["core"]["results"]}
    for proto in dict.fromkeys(x["protocol"] for x in r["core"]["results"]):
        d, f = core.get((proto, "decode")), core.get((proto, "full"))
        out.append(f"| {proto} | {_si(d and d['obs_per_cpu_s'])} | {_si(f and f['obs_per_cpu_s'])} | "
                   f"{_si(f and f['obs_per_s'])} | {_si(f and f['device_s_per_cpu_s'])} |")
    out += ["", "The full path includes handing each reading to the journal's writer thread (SQLite, batched)."]
    alarms, ecg = core.get(("masimo-alarms", "full")), core.get(("hl7-ecg", "full"))
    if core.get(("hl7-mllp", "full")):
        out[-1] += (" hl7-mllp: a vitals-only HL7 monitor, one ORU^R01 every 5 s with heart rate, SpO2 and pulse "
                    "(NIBP every 5 min), no waveform.")
    if alarms:
        out[-1] += (" masimo-alarms: the patient is past the SpO2 and pulse limits on every other line, with no "
                    f"condition delay, so the path carries {_si(alarms.get('alarms_per_cpu_s'))} alarm transitions "
                    "per CPU-second, each written to the journal's intent log before it is published and "
                    "committed to SQLite after.")
    if ecg:
        out[-1] += (" hl7-ecg: one ORU^R01 a second with a second of ECG lead II at 250 samples/s beside heart "
                    "rate and SpO2; its device-seconds per CPU-second include the QRS detector and rhythm "
                    "analysis.")
    out += [""]

    v, p, fl = r["peer"]["vigild"], r["peer"]["peer"], r["peer"]["floor"]
    vl, pl, fll = lat(v), lat(p), lat(fl)
    out += [f"**2 and 5. vigild beside the peer script and the floor** ({v['beds']} beds, one Masimo oximeter "
            f"each, the same input and limits, runs taken in turn, {len(v['latency_us'])} alarms each; alarm "
            f"latency = last byte of the SpO2 80 line written to the pty → RAISED received by a ZeroMQ "
            f"subscriber, no condition delay. The peer is bench/peer/masimo_peer.py (Python, pyserial "
            f"readline). The floor is bench/floor_relay.cpp, a bare C++ relay that only scans numbers and "
            f"publishes: what the kernel, ZeroMQ and this machine's scheduler cost any program.)", "",
            "| measure | vigild | peer | floor | vigild vs peer |", "|---|---:|---:|---:|---:|"]
    for i, q in enumerate(("p50", "p99", "max")):
        out.append(f"| alarm latency {q} | {_us(vl[i])} | {_us(pl[i])} | {_us(fll[i])} | "
                   f"{_ratio(pl[i], vl[i])} faster |")
    out.append(f"| alarms over 1 ms | {_share_over(v, 1000)} | {_share_over(p, 1000)} | "
               f"{_share_over(fl, 1000)} | |")
    out.append(f"| alarms lost (no RAISED within 2 s) | {v['lost']} | {p['lost']} | {fl['lost']} | |")
    vf, pf, ff = v["flood"], p["flood"], fl["flood"]
    out.append(f"| flood through one pty: readings/s | {_si(vf['obs_per_s'])} | {_si(pf['obs_per_s'])} | "
               f"{_si(ff['obs_per_s'])} | {_ratio(vf['obs_per_s'], pf['obs_per_s'])} more |")
    out.append(f"| flood: readings per CPU-second of the daemon | {_si(vf['obs_per_cpu_s'])} | "
               f"{_si(pf['obs_per_cpu_s'])} | {_si(ff['obs_per_cpu_s'])} | "
               f"{_ratio(vf['obs_per_cpu_s'], pf['obs_per_cpu_s'])} more |")
    out.append(f"| CPU at real pace (1 line/s per bed) | {v['cpu_pct']:.2f} % | {p['cpu_pct']:.2f} % | "
               f"{fl['cpu_pct']:.2f} % | {_ratio(p['cpu_pct'], v['cpu_pct'])} less |")
    out.append(f"| RSS | {v['rss_mb']:.1f} MB | {p['rss_mb']:.1f} MB | {fl['rss_mb']:.1f} MB | "
               f"{_ratio(p['rss_mb'], v['rss_mb'])} less |")
    out.append("")

    out += ["**3. Scale** (each bed: a Masimo oximeter at 1 line/s and a Nonin format 2 pleth oximeter at "
            "75 frames/s, on ptys; CPU and RSS of vigild during steady streaming; alarms timed over that "
            "background, on the beds in turn)", "",
            "| beds | vigild processes | CPU % of one core | per bed | RSS | alarm p50 | p99 | max | lost |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in r["scale"] + [r["multi"]]:
        l3 = lat(s)
        out.append(f"| {s['beds']} | {s['daemons']} | {s['cpu_pct']:.2f} % | {s['cpu_pct'] / s['beds']:.3f} % | "
                   f"{s['rss_mb']:.1f} MB | {_us(l3[0])} | {_us(l3[1])} | {_us(l3[2])} | {s['lost']} |")
    sc = r["scale"]
    if len(sc) >= 2:
        slope_cpu = (sc[-1]["cpu_pct"] - sc[0]["cpu_pct"]) / (sc[-1]["beds"] - sc[0]["beds"])
        slope_rss = (sc[-1]["rss_mb"] - sc[0]["rss_mb"]) / (sc[-1]["beds"] - sc[0]["beds"]) * 1024
        out += ["", f"Cost of one more bed (from {sc[0]['beds']} to {sc[-1]['beds']} beds): "
                f"{slope_cpu:.3f} % of a core and {slope_rss:.0f} kB of RSS."]
    out += _steady_state_note(sc)
    out.append("")

    rs = r["restart"]
    out += [f"**4. Start-up and recovery** ({rs['beds']} beds, as systemd runs it: NOTIFY_SOCKET; bed 1's "
            f"oximeter says SpO2 80 once a second throughout)", "",
            "| measure | median | max |", "|---|---:|---:|",
            f"| spawn → READY=1 | {rs['ready_ms_median']:.1f} ms | {rs['ready_ms_max']:.1f} ms |",
            f"| SIGKILL, spawn again → the active alarm published again ({'/'.join(rs['transitions'])}) | "
            f"{rs['alarm_ms_median']:.0f} ms | {rs['alarm_ms_max']:.0f} ms |",
            f"| of which: the oximeter's first line after the restart → the alarm | "
            f"{rs['after_line_ms_median']:.1f} ms | {rs['after_line_ms_max']:.1f} ms |", "",
            "With the journal the alarm comes back as RESTORED about a second after the spawn (vigild waits 1 s "
            "for subscribers to reconnect before it publishes what it restored), or as RAISED/UPDATED when the "
            "device's next reading comes first; systemd adds its RestartSec (2 s in systemd/vigild.service) "
            "before the spawn.", ""]
    return "\n".join(out)


def _steady_state_note(scale):
    """Which RSS the scale table shows: early on, or at the steady state."""
    long = [s for s in scale if "rss_at_mb" in s]
    # Results written before the bench recorded steady_s streamed 10 s.
    short = sorted({f"{s.get('steady_s', 10):g}" for s in scale if "rss_at_mb" not in s})
    if not long:
        return ["", f"RSS is read after {'/'.join(short)} s of streaming, before every bed's replay store and "
                "baseline window are full; `bench/run --readme` streams the largest case until they are."]
    return ["", " ".join(
        f"The {s['beds']}-bed row streams {s['steady_s']:g} s, " +
        ("until every bed's baseline window and replay store have been full for a minute (vigild's steady "
         "state), " if s["steady_state"] else "(too short for the steady state), ") + "and shows its RSS then; " +
        ", ".join(f"{t} s in it read {mb:.1f} MB" for t, mb in s["rss_at_mb"].items()) + "." for s in long) +
        f" The other rows show RSS after {'/'.join(short)} s."]


def caption(r):
    m = r["machine"]
    return (f"vigil {r['commit']}, {r['date']}, {m['nproc']} × {m['cpu']}, {r['command']}; "
            f"other work: load average {m['loadavg_start']:.1f} at the start")


START, END = "<!-- bench/run --readme: start -->", "<!-- bench/run --readme: end -->"


def update_readme(path, tables):
    with open(path) as f:
        text = f.read()
    block = f"{START}\n{tables}\n{END}"
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        raise SystemExit(f"bench: {path} has no '{START}' marker for the tables")
    with open(path, "w") as f:
        f.write(text)
