"""The benchmark's figure: plain SVG written by hand (no plotting package),
four panels: core throughput per protocol, alarm latency distributions,
CPU and memory against the number of beds."""
import math

W, H = 480, 300          # one panel
ML, MR, MT, MB = 70, 20, 40, 55
COLORS = ["#1f77b4", "#d62728", "#7f7f7f", "#ff7f0e", "#9467bd"]


def _esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(x, y, s, size=11, anchor="middle", **extra):
    attrs = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in extra.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" {attrs}>{_esc(s)}</text>'


def _nice_max(v):
    if v <= 0:
        return 1
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if m * e >= v:
            return m * e


class Panel:
    """Axes inside a W x H box at (ox, oy); x and y map data to pixels."""

    def __init__(self, ox, oy, title, xlabel, ylabel, xlog=False, ylog=False):
        self.ox, self.oy, self.xlog, self.ylog = ox, oy, xlog, ylog
        self.out = [f'<g transform="translate({ox},{oy})">',
                    _text(W / 2, 22, title, 13, font_weight="bold"),
                    _text(W / 2, H - 12, xlabel),
                    _text(16, MT + (H - MT - MB) / 2, ylabel, anchor="middle",
                          transform=f"rotate(-90 16 {MT + (H - MT - MB) / 2})")]

    def set_range(self, x0, x1, y0, y1):
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1

    def _f(self, v, lo, hi, log):
        if log:
            v, lo, hi = math.log10(max(v, 1e-12)), math.log10(lo), math.log10(hi)
        return (v - lo) / ((hi - lo) or 1)

    def x(self, v):
        return ML + self._f(v, self.x0, self.x1, self.xlog) * (W - ML - MR)

    def y(self, v):
        return H - MB - self._f(v, self.y0, self.y1, self.ylog) * (H - MT - MB)

    def axes(self, xticks, yticks, xfmt=str, yfmt=str):
        o = self.out
        o.append(f'<rect x="{ML}" y="{MT}" width="{W - ML - MR}" height="{H - MT - MB}" fill="none" stroke="#888"/>')
        for t in yticks:
            y = self.y(t)
            o.append(f'<line x1="{ML}" x2="{W - MR}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
            o.append(_text(ML - 5, y + 4, yfmt(t), 10, "end"))
        for t in xticks:
            o.append(_text(self.x(t), H - MB + 15, xfmt(t), 10))

    def legend(self, names):
        for i, name in enumerate(names):
            y = MT + 8 + i * 15
            self.out.append(f'<rect x="{ML + 8}" y="{y - 8}" width="10" height="10" fill="{COLORS[i]}"/>')
            self.out.append(_text(ML + 22, y + 1, name, 10, "start"))

    def svg(self):
        return "\n".join(self.out + ["</g>"])


def _si(v):
    for div, suffix in ((1e6, "M"), (1e3, "k")):
        if v >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"


def throughput_panel(ox, oy, core):
    """Grouped bars on a log scale: observations per CPU-second, decode only
    and the full path."""
    protocols = list(dict.fromkeys(r["protocol"] for r in core))
    stages = ["decode", "full"]
    value = {(r["protocol"], r["stage"]): r["obs_per_cpu_s"] for r in core}
    lo = 10 ** math.floor(math.log10(min(value.values())))
    hi = 10 ** math.ceil(math.log10(max(value.values())))
    p = Panel(ox, oy, "1. Core throughput, one core", "protocol", "observations / CPU-second (log)", ylog=True)
    p.set_range(0, len(protocols), lo, hi)
    ticks, t = [], lo
    while t <= hi:
        ticks.append(t)
        t *= 10
    p.axes([], ticks, yfmt=_si)
    slot = (W - ML - MR) / len(protocols)
    for i, proto in enumerate(protocols):
        for j, stage in enumerate(stages):
            v = value.get((proto, stage), lo)
            x = ML + i * slot + slot * (0.15 + 0.35 * j)
            p.out.append(f'<rect x="{x:.1f}" y="{p.y(v):.1f}" width="{slot * 0.33:.1f}" '
                         f'height="{p.y(lo) - p.y(v):.1f}" fill="{COLORS[j]}"/>')
        p.out.append(_text(ML + (i + 0.5) * slot, H - MB + 15, proto, 10))
    p.legend(["decode only", "decode + rules + alarm engine + publish"])
    return p.svg()


def latency_panel(ox, oy, series):
    """Empirical distribution of alarm latency, one line per daemon."""
    p = Panel(ox, oy, "2. Alarm latency, pty write to subscriber", "latency (µs, log scale)",
              "share of alarms", xlog=True)
    values = [v for _, s in series for v in s]
    lo = 10 ** math.floor(math.log10(max(min(values), 1)))
    hi = 10 ** math.ceil(math.log10(max(values)))
    p.set_range(lo, hi, 0, 1)
    ticks, t = [], lo
    while t <= hi:
        ticks.append(t)
        t *= 10
    p.axes(ticks, [0, 0.25, 0.5, 0.75, 1], xfmt=lambda v: _si(v), yfmt=lambda v: f"{v:g}")
    p.out.append(f'<line x1="{p.x(1000):.1f}" x2="{p.x(1000):.1f}" y1="{MT}" y2="{H - MB}" '
                 f'stroke="#999" stroke-dasharray="4 3"/>')
    p.out.append(_text(p.x(1000) + 3, MT + 12, "1 ms", 10, "start", fill="#666"))
    for i, (name, s) in enumerate(series):
        s = sorted(s)
        pts = " ".join(f"{p.x(v):.1f},{p.y((k + 1) / len(s)):.1f}" for k, v in enumerate(s))
        p.out.append(f'<polyline points="{pts}" fill="none" stroke="{COLORS[i]}" stroke-width="1.5"/>')
    p.legend([name for name, _ in series])
    return p.svg()


def scale_panel(ox, oy, title, ylabel, scale, key, target=None):
    beds = [r["beds"] for r in scale]
    values = [r[key] for r in scale]
    top = _nice_max(max(values + ([target] if target else [])) * 1.1)
    p = Panel(ox, oy, title, "beds on one vigild (log scale)", ylabel, xlog=True)
    p.set_range(beds[0] / 1.5, beds[-1] * 1.5, 0, top)
    p.axes(beds, [top * i / 4 for i in range(5)], yfmt=lambda v: f"{v:g}")
    if target:
        p.out.append(f'<line x1="{ML}" x2="{W - MR}" y1="{p.y(target):.1f}" y2="{p.y(target):.1f}" '
                     f'stroke="#999" stroke-dasharray="4 3"/>')
        p.out.append(_text(W - MR - 4, p.y(target) - 4, f"target {target:g}", 10, "end", fill="#666"))
    pts = " ".join(f"{p.x(b):.1f},{p.y(v):.1f}" for b, v in zip(beds, values))
    p.out.append(f'<polyline points="{pts}" fill="none" stroke="{COLORS[0]}" stroke-width="1.5"/>')
    for b, v in zip(beds, values):
        p.out.append(f'<circle cx="{p.x(b):.1f}" cy="{p.y(v):.1f}" r="3" fill="{COLORS[0]}"/>')
        p.out.append(_text(p.x(b), p.y(v) - 7, f"{v:.3g}", 10))
    return p.svg()


def figure(results, caption):
    series = [("vigild", results["peer"]["vigild"]["latency_us"]),
              ("peer (Python)", results["peer"]["peer"]["latency_us"]),
              ("floor (bare C++ relay)", results["peer"]["floor"]["latency_us"])]
    panels = [throughput_panel(0, 0, results["core"]["results"]),
              latency_panel(W, 0, series),
              scale_panel(0, H, "3. CPU at real device pace", "CPU % of one core", results["scale"], "cpu_pct"),
              scale_panel(W, H, "3. Memory", "RSS (MB)", results["scale"], "rss_mb", target=20)]
    footer = _text(W, 2 * H + 18, caption, 10)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{2 * H + 28}" '
            f'font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>\n'
            + "\n".join(panels) + "\n" + footer + "\n</svg>\n")
