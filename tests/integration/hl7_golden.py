"""Golden HL7 messages for the outbound tests: a message parsed by Debian's
python3-hl7 (a parser that is not ours) is compared with its golden text
segment by segment and field by field, by position ("*": differs per run)."""
import hl7  # Debian's python3-hl7 (scripts/setup)

from harness import check


def check_golden(got, golden):
    """Every segment and field of `got` (parsed by python3-hl7) as in `golden`, by position."""
    want = hl7.parse(golden)
    check(len(got) == len(want), f"{len(got)} segments, golden has {len(want)}: {got}")
    for g, w in zip(got, want):
        check(str(g[0]) == str(w[0]) and len(g) == len(w), f"segment {g} against golden {w}")
        for i in range(1, len(w)):
            check(str(w[i]) == "*" or str(g[i]) == str(w[i]), f"{w[0]}-{i}: {str(g[i])!r}, golden {str(w[i])!r}")
