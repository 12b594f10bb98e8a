"""The dev renderers (scripts/renderers.py) show what a browser shows once scripts ran:
an app root hidden until it hydrates is shown, a hidden dialog is not, and a button that
libxml2 left holding the page is read while a plain button's label is not."""
from __future__ import annotations

import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import renderers  # noqa: E402

STORY = "<p>The council approved the budget on Tuesday after a long debate.</p>"


def test_a_hidden_app_root_is_shown_and_a_hidden_dialog_is_not() -> None:
    page = (f"<html><body><div hidden><main>{STORY}</main></div>"
            "<div hidden><span>Sign in to continue</span></div></body></html>")
    text = renderers.browser(page)
    assert "approved the budget" in text
    assert "Sign in" not in text


def test_a_button_holding_the_page_is_read_and_a_label_is_not() -> None:
    page = (f"<html><body><button>Menu</button><button><div><main>{STORY}</main></div>"
            "</button></body></html>")
    text = renderers.wrapped(page, 80)
    assert "approved the budget" in text
    assert "Menu" not in text
