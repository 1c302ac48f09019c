#!/usr/bin/env python3
"""Check event files with TensorBoard's own reader.

Usage: python3 scripts/check_tensorboard.py EVENT_DIR EXPECTED.json

EXPECTED.json: {"scalars": {"tag": [[step, value], ...]}, "texts": {"tag": [[step, "text"], ...]}}

Loads EVENT_DIR with tensorboard's EventAccumulator (keeping every point) and checks that the scalar tags
are exactly the expected ones, that each tag's (step, value) points equal the expected ones in order
(values compared as float32, exactly; null or NaN expects NaN), and that each expected text tag holds the
expected (step, text) entries. Exits 1 with a message on the first kind of mismatch found.
"""

import json
import math
import sys

import numpy
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.util import tensor_util


def fail(msg):
    print(f"tensorboard check FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def same_f32(got, want):
    g = numpy.float32(got)
    w = numpy.float32(math.nan if want is None else want)
    return (numpy.isnan(g) and numpy.isnan(w)) or g == w


def tensor_text(tensor_proto):
    arr = tensor_util.make_ndarray(tensor_proto)
    items = [x.decode("utf-8") if isinstance(x, bytes) else str(x) for x in numpy.asarray(arr).reshape(-1)]
    return "\n".join(items)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    event_dir, expected_path = argv[1], argv[2]
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    want_scalars = expected.get("scalars", {})
    want_texts = expected.get("texts", {})

    acc = EventAccumulator(event_dir, size_guidance={"scalars": 0, "tensors": 0})
    acc.Reload()
    tags = acc.Tags()

    got_scalar_tags = set(tags.get("scalars", []))
    if got_scalar_tags != set(want_scalars):
        fail(
            f"scalar tags differ: missing {sorted(set(want_scalars) - got_scalar_tags)}, "
            f"unexpected {sorted(got_scalar_tags - set(want_scalars))}"
        )

    points = 0
    for tag, want in sorted(want_scalars.items()):
        got = [(e.step, e.value) for e in acc.Scalars(tag)]
        if len(got) != len(want):
            fail(f"scalar {tag!r}: {len(got)} points, expected {len(want)}")
        for i, ((gs, gv), (ws, wv)) in enumerate(zip(got, want)):
            if gs != ws or not same_f32(gv, wv):
                fail(f"scalar {tag!r} point {i}: got (step {gs}, {gv!r}), expected (step {ws}, {wv!r})")
        points += len(got)

    tensor_tags = set(tags.get("tensors", []))
    for tag, want in sorted(want_texts.items()):
        if tag not in tensor_tags:
            fail(f"text tag {tag!r} not found (tensor tags: {sorted(tensor_tags)})")
        plugin = acc.SummaryMetadata(tag).plugin_data.plugin_name
        if plugin != "text":
            fail(f"text tag {tag!r} has plugin {plugin!r}, expected 'text'")
        got = [(e.step, tensor_text(e.tensor_proto)) for e in acc.Tensors(tag)]
        want = [(s, t) for s, t in want]
        if got != want:
            fail(f"text {tag!r}: got {got!r}, expected {want!r}")
        points += len(got)

    print(f"tensorboard check: {len(want_scalars) + len(want_texts)} tags, {points} points match")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
