"""The legend under a drawn map: every line's colour beside its name, clear of the drawing."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from curation.synth.legend import line_label
from curation.synth.render import line_colors, render_map
from tests.synth.test_render import demo_layout, demo_network


def test_every_line_is_in_the_legend_below_the_drawing():
    network = demo_network()
    rendered = render_map(network, demo_layout(network), "demo.png")
    pixels = np.asarray(Image.open(io.BytesIO(rendered.png)).convert("RGB"))
    annotation = rendered.annotation
    boxes = [m.marker.box for m in annotation.stations if m.marker] + [
        label.box for m in annotation.stations for label in m.labels.values() if label.box]
    boxes += [(min(x for x, _ in p), min(y for _, y in p), max(x for x, _ in p), max(y for _, y in p))
              for line in annotation.lines for p in line.polylines]
    bottom = max(b[3] for b in boxes)
    strip = pixels[int(bottom) + 1:]
    assert strip.shape[0] > 10
    for line_id, colour in line_colors(network).items():
        present = np.all(np.abs(strip.astype(int) - np.array(colour)) <= 2, axis=2)
        assert present.sum() > 20, line_id  # a swatch in the line's colour
    dark = np.all(strip < 80, axis=2)
    assert dark.sum() > 100  # the names' ink


def test_a_line_is_named_in_the_first_printed_language_it_has():
    network = demo_network()
    line = next(iter(network.lines.values()))
    line.names = {"zh": "1号线", "en": "Line 1"}
    assert line_label(line, ("en", "zh")) == ("en", "Line 1")
    assert line_label(line, ("fr", "zh")) == ("zh", "1号线")
    line.names = {"pt": "Azul"}
    assert line_label(line, ("en",)) == ("pt", "Azul")
