"""Every status colour of the quiz is readable: at least 4.5:1 on its background, in the light and the dark theme.

axe's contrast rule does not run inside JupyterLab's output area, so the ratio is
computed here (WCAG 2 relative luminance) from the stylesheets themselves: the live
widget's (``widget.css``, on JupyterLab's light #fff and dark #111 backgrounds) and the
book's static quiz (``quiz.css``, on its own backgrounds and its feedback tints). The
JupyterLab browser test checks the colours as computed on screen too.
"""

from __future__ import annotations

import re

import pytest

from afcourse.quizui.static import asset

JUPYTERLAB_BACKGROUND = {"light": "#ffffff", "dark": "#111111"}


def parse_colour(text: str) -> tuple[float, float, float]:
    """``#rgb``, ``#rrggbb`` or ``rgb(a)(r, g, b[, a])`` as (r, g, b) in 0-255."""
    text = text.strip()
    if text.startswith("#"):
        digits = text[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return tuple(int(digits[i:i + 2], 16) for i in (0, 2, 4))
    numbers = [float(n) for n in re.findall(r"[\d.]+", text)]
    return tuple(numbers[:3])


def _luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def variables(css: str, selector_start: str) -> dict[str, str]:
    """The custom properties set in the first rule whose selector starts with ``selector_start``."""
    at = css.index(selector_start)
    body = css[css.index("{", at) + 1:css.index("}", at)]
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{3,6})", body))


def test_contrast_formula_matches_known_values():
    assert contrast(parse_colour("#000"), parse_colour("#fff")) == pytest.approx(21)
    assert contrast(parse_colour("#777777"), parse_colour("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast(parse_colour("rgb(26, 127, 55)"), parse_colour("#111")) == pytest.approx(3.7, abs=0.1)  # the old green


@pytest.mark.parametrize("theme,selector", [("light", ".afq-widget {"),
                                            ("dark", 'body[data-jp-theme-light="false"] .afq-widget {')])
def test_widget_status_colours(theme, selector):
    colours = variables(asset("widget.css"), selector)
    background = parse_colour(JUPYTERLAB_BACKGROUND[theme])
    assert colours["--afq-w-bg"].lower() == JUPYTERLAB_BACKGROUND[theme]
    low = {name: round(contrast(parse_colour(value), background), 2) for name, value in colours.items()
           if name != "--afq-w-bg" and contrast(parse_colour(value), background) < 4.5}
    assert {"--afq-w-ok", "--afq-w-warn", "--afq-w-bad", "--afq-w-muted"} <= set(colours)
    assert low == {}, (theme, low)


@pytest.mark.parametrize("theme,selector", [("light", ".afq { --afq-fg"), ("dark", 'html[data-theme="dark"] .afq {')])
def test_static_quiz_status_colours(theme, selector):
    colours = variables(asset("quiz.css"), selector)
    backgrounds = [colours["--afq-bg"]] + [colours[f"--afq-{s}-bg"] for s in ("correct", "partial", "incorrect")]
    low = []
    for status in ("correct", "partial", "incorrect", "muted", "fg"):
        for background in backgrounds if status in ("muted", "fg") else [colours["--afq-bg"], colours[f"--afq-{status}-bg"]]:
            ratio = contrast(parse_colour(colours[f"--afq-{status}"]), parse_colour(background))
            if ratio < 4.5:
                low.append(f"--afq-{status} on {background}: {ratio:.2f}")
    assert low == [], (theme, low)
