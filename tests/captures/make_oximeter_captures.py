#!/usr/bin/env python3
"""Writes the Nonin and CMS50 golden captures (NAME.bin + NAME.expected).

The bytes are built here from the protocol documents, independently of the C++
encoders, or copied from real devices' captures published by open-source
readers. The expected lines are written by hand from what each piece of the
stream means (not by running the C++ decoder), so a replay that matches is a
real cross-check. Run from the repository root:
    python3 tests/captures/make_oximeter_captures.py
Line format: see tests/unit/drivers/oximeter_capture_replay.hpp.
"""
import math
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)))


def write(folder, name, header, data, expected):
    os.makedirs(os.path.join(ROOT, folder), exist_ok=True)
    with open(os.path.join(ROOT, folder, name + ".bin"), "wb") as f:
        f.write(bytes(data))
    with open(os.path.join(ROOT, folder, name + ".expected"), "w") as f:
        for line in header:
            f.write("# " + line + "\n")
        for line in expected:
            f.write(line + "\n")


def stats(data, ok, bad, resyncs):
    return f"stats bytes={len(data)} frames_ok={ok} frames_bad={bad} resyncs={resyncs}"


# ---------------------------------------------------------------------------
# Nonin formats 2 and 7 (Nonin 9560 OEM specification, Serial Data Formats #2, #7)

MISSING_HR, MISSING_SPO2 = 511, 127
NONE, GREEN, YELLOW, RED = 0, 0x02, 0x06, 0x04


def float_bytes(spo2, hr, low_battery=False):
    """The 25 FLOAT bytes; every HR slot gets hr, every SpO2 slot spo2."""
    f = [0] * 25
    for msb in (0, 13, 19, 21):  # HR, E-HR, HR-D, E-HR-D
        f[msb], f[msb + 1] = (hr >> 7) & 0x03, hr & 0x7F
    for i in (2, 8, 9, 10, 15, 16):  # SpO2, SpO2-D, fast, beat-to-beat, E-SpO2, E-SpO2-D
        f[i] = spo2 & 0x7F
    f[3] = 42  # firmware revision
    f[7] = 0x01 if low_battery else 0x00  # STAT2
    return f


def nonin_packet(fmt, spo2, hr, status=None, low_battery=False, pleth0=1000):
    """125 bytes. status: list of 25 extra STATUS bits (without bit 7 / SYNC)."""
    status = status or [0] * 25
    floats = float_bytes(spo2, hr, low_battery)
    out = []
    for i in range(25):
        st = 0x80 | status[i] | (0x01 if i == 0 else 0)
        pleth = (pleth0 + 700 * i) & 0xFFFF
        if fmt == 2:
            frame = [0x01, st, pleth & 0xFF, floats[i]]
        else:
            frame = [st, pleth >> 8, pleth & 0xFF, floats[i]]
        frame.append(sum(frame) & 0xFF)
        out += frame
    return out


def pulse(first, bits, extra=0, n=12):
    s = [0] * 25
    for i in range(first, min(first + n, 25)):
        s[i] = bits | extra
    return s


def all_frames(bits):
    return [bits] * 25


def assert_no_false_packet_start(fmt, data, starts):
    """The decoder locks on a SYNC frame followed by a non-SYNC frame, both
    with good checksums. Make sure that happens only where we mean it to."""
    def frame_ok(at):
        fr = data[at:at + 5]
        if len(fr) < 5 or (sum(fr[:4]) & 0xFF) != fr[4]:
            return None
        status = fr[1] if fmt == 2 else fr[0]
        if (fmt == 2 and fr[0] != 0x01) or not status & 0x80:
            return None
        return status & 0x01
    for at in range(len(data) - 9):
        if frame_ok(at) == 1 and frame_ok(at + 5) == 0:
            assert at in starts, f"format {fmt}: unintended packet start at byte {at}"


def nonin2_capture():
    pufferfish = [  # pez-globo/pufferfish-software TestPacketReceiver.cpp, OEM III test packet
        0x01, 0x81, 0x01, 0x00, 0x83, 0x01, 0x80, 0x01, 0x48, 0xCA, 0x01, 0x80, 0x01, 0x61, 0xE3,
        0x01, 0x80, 0x01, 0x30, 0xB2, 0x01, 0x80, 0x01, 0x00, 0x82, 0x01, 0x80, 0x01, 0x00, 0x82,
        0x01, 0x80, 0x01, 0x00, 0x82, 0x01, 0x80, 0x01, 0x00, 0x82, 0x01, 0x80, 0x01, 0x61, 0xE3,
        0x01, 0x80, 0x01, 0x61, 0xE3, 0x01, 0x80, 0x01, 0x61, 0xE3, 0x01, 0x80, 0x01, 0x00, 0x82,
        0x01, 0x80, 0x01, 0x00, 0x82, 0x01, 0x80, 0x01, 0x00, 0x82, 0x01, 0x80, 0x01, 0x48, 0xCA,
        0x01, 0x80, 0x01, 0x61, 0xE3, 0x01, 0x80, 0x01, 0x61, 0xE3, 0x01, 0x80, 0x01, 0x00, 0x82,
        0x01, 0x80, 0x01, 0x00, 0x82, 0x01, 0x80, 0x01, 0x00, 0x82, 0x01, 0x80, 0x01, 0x48, 0xCA,
        0x01, 0x80, 0x01, 0x00, 0x82, 0x01, 0x80, 0x01, 0x48, 0xCA, 0x01, 0x80, 0x01, 0x00, 0x82,
        0x01, 0x80, 0x01, 0x00, 0x82]
    tail = nonin_packet(2, 97, 72)[110:]  # the last 3 frames of a packet: picked up mid-stream
    data, expected = list(tail), []
    starts = [len(data)]
    data += pufferfish
    expected += ["error nonin format 2: skipped 15 bytes before the next frame",
                 "conditions none", "reading spo2 97 ok", "reading pulse 72 ok"]
    starts.append(len(data))
    data += nonin_packet(2, 96, 75, pulse(10, GREEN))
    expected += ["beat pulse", "reading spo2 96 ok", "reading pulse 75 ok"]
    starts.append(len(data))
    data += nonin_packet(2, 96, 75, all_frames(0x08))  # SNSA: finger out, display value held
    expected += ["conditions sensor_off", "reading spo2 96 sensor_off", "reading pulse 75 sensor_off"]
    starts.append(len(data))
    data += nonin_packet(2, MISSING_SPO2, MISSING_HR, all_frames(0x08))
    expected += ["reading spo2 - invalid,sensor_off", "reading pulse - invalid,sensor_off"]
    starts.append(len(data))
    data += nonin_packet(2, MISSING_SPO2, MISSING_HR)
    expected += ["conditions searching", "reading spo2 - invalid", "reading pulse - invalid"]
    assert_no_false_packet_start(2, data, starts)
    expected.append(stats(data, 125, 0, 15))
    write("nonin-2", "oem3-packet-then-finger-out", [
        "Nonin format 2. Starts with the last 3 frames of a packet (skipped), then the OEM III",
        "test packet from pez-globo/pufferfish-software (HR 72, SpO2 97), a packet with a green",
        "pulse, the finger leaving (SNSA with the display value held, then missing data), and",
        "the oximeter searching. Synthetic from the Nonin 9560 specification's tables."], data, expected)


def nonin7_capture():
    data = [0x00, 0x13, 0x55, 0x2A, 0x7E]  # line noise before the first packet
    expected, starts = [], []
    starts.append(len(data))
    data += nonin_packet(7, 97, 72, pulse(3, GREEN))
    expected += ["error nonin format 7: skipped 5 bytes before the next frame", "beat pulse",
                 "conditions none", "reading spo2 97 ok", "reading pulse 72 ok"]
    starts.append(len(data))
    data += nonin_packet(7, 97, 72, pulse(8, RED))
    expected += ["beat pulse", "conditions low_perfusion", "reading spo2 97 low_perfusion",
                 "reading pulse 72 low_perfusion"]
    starts.append(len(data))
    bad = nonin_packet(7, 96, 71)
    good_chk = bad[29]
    bad[29] ^= 0x5A  # frame 6 checksum damaged on the line
    data += bad
    expected += [f"error nonin format 7: frame 6 of 25 rejected: checksum 0x{bad[29]:02x}, computed 0x{good_chk:02x}"]
    starts.append(len(data))
    data += nonin_packet(7, 95, 70, pulse(12, GREEN))
    expected += ["error nonin format 7: skipped 100 bytes before the next frame", "beat pulse",
                 "conditions none", "reading spo2 95 ok", "reading pulse 70 ok"]
    starts.append(len(data))
    data += nonin_packet(7, 95, 70, pulse(5, GREEN, extra=0x20))  # ARTF on this pulse
    expected += ["beat pulse", "conditions artifact", "reading spo2 95 artifact", "reading pulse 70 artifact"]
    starts.append(len(data))
    oot = [0] * 25
    oot[20] = 0x10
    data += nonin_packet(7, 94, 71, oot, low_battery=True)  # no pulse: the last pulse's ARTF holds
    expected += ["conditions low_signal_quality,artifact,low_battery", "reading spo2 94 artifact,questionable",
                 "reading pulse 71 artifact,questionable"]
    starts.append(len(data))
    data += nonin_packet(7, 94, 71)[:12]  # the line drops mid-packet: 2 frames and 2 bytes
    assert_no_false_packet_start(7, data, starts)
    expected.append(stats(data, 5 * 25 + 5 + 2, 1, 5 + 100))
    write("nonin-7", "pulses-noise-and-a-damaged-frame", [
        "Nonin format 7 (16-bit pleth). Line noise, a green pulse, a red (low perfusion) pulse,",
        "a packet whose frame 6 checksum is damaged (rejected, the rest skipped up to the next",
        "SYNC), recovery, a pulse with artifact, a packet with out-of-track and low battery,",
        "and a stream cut mid-packet. Synthetic from the Nonin 9560 specification's tables."],
        data, expected)


# ---------------------------------------------------------------------------
# Nonin format 8 (Nonin 9560 OEM specification, Serial Data Format #8)

def df8(spo2, hr, snsd=False, oot=False, lprf=False, mprf=False, artf=False, snsa=False, low_bat=False):
    b1 = 0x80 | ((hr >> 7) & 0x03) | (0x40 if snsd else 0) | (0x20 if oot else 0) | \
        (0x10 if lprf else 0) | (0x08 if mprf else 0) | (0x04 if artf else 0)
    b4 = (0x08 if snsa else 0) | (0x01 if low_bat else 0)
    return [b1, hr & 0x7F, spo2 & 0x7F, b4]


def nonin8_capture():
    data, expected = [], []
    data += df8(97, 72)  # held until the next packet confirms the stream
    data += df8(97, 72)
    expected += ["conditions none", "reading spo2 97 ok", "reading pulse 72 ok"]
    data += df8(96, 74, artf=True)
    expected += ["conditions artifact", "reading spo2 96 artifact", "reading pulse 74 artifact"]
    data += df8(96, 74, mprf=True)
    expected += ["conditions low_perfusion", "reading spo2 96 low_perfusion", "reading pulse 74 low_perfusion"]
    data += [0x33]  # a stray byte: the lock is lost, the next packet is held again
    data += df8(95, 75)
    data += df8(95, 75)
    expected += ["error nonin format 8: skipped 1 byte before the next frame", "conditions none",
                 "reading spo2 95 ok", "reading pulse 75 ok"]
    data += df8(95, 75, snsa=True)  # finger out: display value held with SNSA
    expected += ["conditions sensor_off", "reading spo2 95 sensor_off", "reading pulse 75 sensor_off"]
    data += df8(MISSING_SPO2, MISSING_HR, snsd=True, snsa=True)
    expected += ["conditions sensor_off,no_sensor", "reading spo2 - invalid,sensor_off",
                 "reading pulse - invalid,sensor_off"]
    data += df8(MISSING_SPO2, MISSING_HR)
    expected += ["conditions searching", "reading spo2 - invalid", "reading pulse - invalid"]
    data += df8(98, 66, low_bat=True)
    expected += ["conditions low_battery", "reading spo2 98 ok", "reading pulse 66 ok"]
    data += df8(98, 66)[:2]  # a packet cut short
    expected += ["error nonin format 8: packet rejected: packet cut short after 2 bytes"]
    data += df8(98, 66)
    data += df8(98, 66)
    expected += ["error nonin format 8: skipped 2 bytes before the next frame", "conditions none",
                 "reading spo2 98 ok", "reading pulse 66 ok"]
    expected.append(stats(data, 12, 1, 3))
    write("nonin-8", "spot-check-once-a-second", [
        "Nonin format 8, one 4-byte packet a second. Two packets to lock, artifact, marginal",
        "perfusion, a stray byte (lock lost and regained), finger out (SNSA, then sensor",
        "disconnect with missing data), searching, low battery, a packet cut short.",
        "Synthetic from the Nonin 9560 specification's bit table."], data, expected)


# ---------------------------------------------------------------------------
# Contec CMS50 (Contec "Communication protocol of pulse oximeter V7.0"; old
# 5-byte stream per atbrask/CMS50Dplus)

START = "send 7d 81 a1 80 80 80 80 80 80"


class Throttle:
    """Report on change of value or quality, else every 60 packets."""

    def __init__(self):
        self.last = None
        self.since = 0

    def due(self, key):
        self.since += 1
        if self.last == key and self.since < 60:
            return False
        self.last, self.since = key, 0
        return True


def quality_text(flags):
    order = ["invalid", "artifact", "sensor_off", "low_perfusion", "questionable"]
    names = [f for f in order if f in flags]
    return ",".join(names) if names else "ok"


def conditions_text(conds):
    order = ["sensor_off", "no_sensor", "low_perfusion", "low_signal_quality", "artifact", "low_battery",
             "device_malfunction", "searching"]
    names = [c for c in order if c in conds]
    return ",".join(names) if names else "none"


class Cms50Expect:
    """What vigil should say for each decoded sample (fields as in Cms50Sample)."""

    def __init__(self):
        self.lines = [START]
        self.in_beat = True
        self.shown = None
        self.throttles = {"spo2": Throttle(), "pulse": Throttle(), "pi": Throttle()}

    def lost_position(self):
        self.in_beat = True

    def sample(self, s):
        if s["beat"] and not self.in_beat:
            self.lines.append("beat pulse")
        self.in_beat = s["beat"]
        spo2_bad = s["spo2"] in (0x7F, 0)
        pulse_bad = s["pulse"] in (0xFF, 0)
        conds, q = set(), set()
        if s["probe_error"]:
            conds.add("sensor_off")
            q.add("sensor_off")
        if s["searching"] or s["too_long"] or ((spo2_bad or pulse_bad) and not s["probe_error"]):
            conds.add("searching")
        if s["too_long"]:
            conds.add("low_signal_quality")
        if s["searching"] or s["too_long"]:
            q.add("questionable")
        text = conditions_text(conds)
        if text != self.shown:
            self.shown = text
            self.lines.append("conditions " + text)
        for name, raw, bad in (("spo2", s["spo2"], spo2_bad), ("pulse", s["pulse"], pulse_bad)):
            qq = q | ({"invalid"} if bad else set())
            if self.throttles[name].due((0 if bad else raw, quality_text(qq))):
                self.lines.append(f"reading {name} {'-' if bad else raw} {quality_text(qq)}")
        if s.get("pi") is None:
            self.throttles["pi"].last = None
        elif self.throttles["pi"].due((s["pi"], quality_text(q))):
            self.lines.append(f"reading pi {s['pi'] / 100:g} {quality_text(q)}")


def parse_v7_live(p):
    """A 9-byte V7.0 real-time packet, bit 7 of each data byte restored from the high byte."""
    d = [(p[i + 2] & 0x7F) | (0x80 if (p[1] >> i) & 1 else 0) for i in range(7)]
    pi = d[5] | d[6] << 8
    return {"signal": d[0] & 0x0F, "too_long": bool(d[0] & 0x10), "beat": bool(d[0] & 0x40),
            "probe_error": bool(d[0] & 0x80), "pleth": d[1] & 0x7F, "searching": bool(d[1] & 0x80),
            "pulse": d[3], "spo2": d[4], "pi": None if (d[2] & 0x10 or pi == 0xFFFF) else pi}


TITINHO_HEX = (  # titinho11/CMS50E-raw-ppg-data, file "data": a CMS50E at 115200, finger in
    "01e0849392bce3ffff01e0849392bce3ffff01e0849292bce3ffff01e0849292bce3ffff01e0849292bce3ffff"
    "01e0849192bce3ffff01e0849192bce3ffff01e0849092bce3ffff01e0849092bce3ffff01e0849092bce3ffff"
    "01e0848f91bce3ffff01e0848e91bce3ffff01e0848e91bce3ffff01e0848d91bce3ffff01e0848d91bce3ffff"
    "01e0848c91bce3ffff01e0848b91bce3ffff01e0848b91bce3ffff01e0848b91bce3ffff01e0848b91bce3ffff"
    "01e0848a91bce3ffff01e0848a91bce3ffff01e0848991bce3ffff01e0848991bce3ffff01e0848891bce3ffff"
    "01e0848891bce3ffff01e0848c91bce3ffff01e0849392bce3ffff01e0849d93bce3ffff01e084a895bce3ffff"
    "01e084be97bce3ffff01e084c698bce3ffff01e084c899bce3ffff01e084c798bce3ffff01e0c4c498bce3ffff"
    "01e0c4c098bce3ffff01e084bc97bce3ffff01e084b897bce3ffff01e084b596bce3ffff01e084b196bce3ffff"
    "01e084ae95bce3ffff01e084ac95bce3ffff01e084ab95bce3ffff01e084aa95bce3ffff01e084aa95bce3ffff"
    "01e084aa95bce3ffff01e084aa95bce3ffff01e084aa95bce3ffff01e084a995bce3ffff01e084a895bce3ffff"
    "01e084a694bce3ffff01e084a394bce3ffff01e084a094bce3ffff01e0849e93bce3ffff01e0849b93bce3ffff"
    "01e0849993bce3ffff01e0849893bce3ffff01e0849792bce3ffff01e0849692bce3ffff01e0849692bce3ffff"
    "01e0849592bce3ffff01e0849592bce3ffff01e0849592bce3ffff01e0849592bce3ffff01e0849592bce3ffff"
    "01e0849592bce3ffff01e0849592bce3ffff01e0849492bce3ffff01e0849392bce3ffff01e0849292bce3ffff"
    "01e0849192bce3ffff01e0848f91bce3ffff01e0848d91bce3ffff01e0848c91bce3ffff01e0848b91bce3ffff"
    "01e0848a91bce3ffff01e0848a91bce3ffff01e0848a91bce3ffff01e0848991bce3ffff01e0848991bce3ffff"
    "01e0848991bce3ffff01e0848991bce3ffff01e0848891bce3ffff01e0848891bce3ffff01e0848991bce3ffff"
    "01e0848b91bce3ffff01e0849292bce3ffff01e0849c93bce3ffff01e084a895bce3ffff01e084c098bce3ffff"
    "01e084c999bce3ffff01e084cd99bce3ffff01e084cc99bce3ffff01e084ca99bce3ffff01e0c4c698bce3ffff"
    "01e0c4c198bce3ffff01e084bd97bce3ffff01e084b997bce3ffff01e084b596bce3ffff01e084b196bce3ffff"
    "01e084af95bce3ffff01e084ad95bce3ffff01e084ac")


def cms50_titinho_capture():
    data = list(bytes.fromhex(TITINHO_HEX))
    assert len(data) == 922
    e = Cms50Expect()
    for at in range(0, len(data) - 8, 9):
        assert data[at] == 0x01
        e.sample(parse_v7_live(data[at:at + 9]))
    e.lines.append(stats(data, 102, 0, 0))  # the last 4 bytes wait for the rest of their packet
    write("cms50", "titinho11-cms50e-finger-in", [
        "A real CMS50E capture at 115200 (V7.0 real-time packets), finger in, about 1.7 s:",
        "github.com/titinho11/CMS50E-raw-ppg-data, file 'data' (hex text, converted to bytes).",
        "SpO2 99, pulse 60 throughout, two pulses (beep bit), PI flagged invalid; ends mid-packet."],
        data, e.lines)


def cms50_idle_then_stream_capture():
    # Free feedback "0c 80" (MarkMLl's USB capture) arrives before any packet: out of
    # step, a short packet is taken for noise.
    data = [0x0C, 0x80]
    idle = [0x01, 0xE1, 0x84, 0xC0, 0x90, 0x80, 0x80, 0xFF, 0xFF]  # MarkMLl: idling, no finger
    stream = [  # headrotor/contec_data stream_data.py: a CMS50D+ streaming
        [0x01, 0xE0, 0x85, 0xB3, 0x96, 0xC1, 0xE1, 0xFF, 0xFF], [0x01, 0xE0, 0x85, 0xB0, 0x96, 0xC1, 0xE1, 0xFF, 0xFF],
        [0x01, 0xE0, 0x85, 0xAE, 0x95, 0xC1, 0xE1, 0xFF, 0xFF], [0x01, 0xE0, 0x85, 0xAC, 0x95, 0xC1, 0xE1, 0xFF, 0xFF],
        [0x01, 0xE0, 0x85, 0xAB, 0x95, 0xC1, 0xE1, 0xFF, 0xFF], [0x01, 0xE0, 0x85, 0xAA, 0x95, 0xC1, 0xE1, 0xFF, 0xFF],
        [0x01, 0xE0, 0x85, 0xAA, 0x95, 0xC1, 0xE1, 0xFF, 0xFF]]
    e = Cms50Expect()
    e.lines.append("error cms50: skipped 2 bytes before the next frame")
    for _ in range(3):
        data += idle
        e.sample(parse_v7_live(idle))
    data += [0x0C, 0x80]  # in step now: a free feedback packet, understood and ignored
    for p in stream:
        data += p
        e.sample(parse_v7_live(p))
    data += [0x0D, 0x80, 0x81]  # disconnect notice, reason 0x01
    e.lines.append("error cms50: device announces it disconnects (device shutting down)")
    e.lines.append(stats(data, 3 + 1 + 7 + 1, 0, 2))
    write("cms50", "finger-out-idle-then-streaming", [
        "Real V7.0 packets from two published captures, joined: MarkMLl/Contec_cms50dplus's",
        "finger-out idle packet (01 e1 84 c0 90 80 80 ff ff) three times, then seven packets",
        "quoted in headrotor/contec_data stream_data.py (SpO2 97, pulse 65); free feedback",
        "0c 80 before (noise) and between (understood); a disconnect notice at the end."],
        data, e.lines)


def legacy_packet(s):
    b0 = 0x80 | (0x40 if s["beat"] else 0) | (0x10 if s["too_long"] else 0) | (s["signal"] & 0x0F)
    b2 = ((s["pulse"] & 0x80) >> 1) | (0x20 if s["searching"] else 0) | (0x10 if s["probe_error"] else 0) | 3
    return [b0, s["pleth"] & 0x7F, b2, s["pulse"] & 0x7F, s["spo2"] & 0x7F]


def legacy_sample(i, spo2=96, pulse=142, probe_error=False, searching=False, too_long=False):
    # A pulse every 25 packets (2.4 /s at 60 packets/s), beep bit set for 4 packets.
    return {"beat": i % 25 < 4 and not probe_error and not searching, "too_long": too_long, "signal": 6, "pleth": int(64 + 40 * math.sin(i / 4)),
            "pulse": pulse, "spo2": spo2, "probe_error": probe_error, "searching": searching, "pi": None}


def cms50_legacy_capture():
    e = Cms50Expect()
    data = [0x12, 0x34]  # noise before the stream
    samples = [legacy_sample(i + 3) for i in range(70)]  # picked up mid-pulse (beep already set)
    samples += [legacy_sample(i, spo2=0, pulse=0, probe_error=True) for i in range(20)]
    samples += [legacy_sample(i, spo2=0, pulse=0, searching=True) for i in range(10)]
    samples += [legacy_sample(i, spo2=93, pulse=150, too_long=True) for i in range(5)]
    for n, s in enumerate(samples):
        data += legacy_packet(s)
        if n == 2:
            e.lines.append("error cms50: skipped 2 bytes before the next frame")
        if n >= 2:  # the first two only confirm the stream
            e.sample(s)
    e.lines.append(stats(data, len(samples), 0, 2))
    write("cms50", "old-firmware-19200-stream", [
        "The old firmware's 5-byte stream (19200 8O1), after atbrask/CMS50Dplus's layout:",
        "pulse 142 (uses the pulse-rate bit 7 in byte 3), pulses every 25 packets, then finger",
        "out (probe error, SpO2 0, pulse 0), searching, and searching too long. Synthetic."],
        data, e.lines)


if __name__ == "__main__":
    nonin2_capture()
    nonin7_capture()
    nonin8_capture()
    cms50_titinho_capture()
    cms50_idle_then_stream_capture()
    cms50_legacy_capture()
