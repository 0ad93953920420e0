"""The staffing explorer in-process: defaults reproduce the worked example, inputs drive the
Erlang C core, bad input becomes one message line."""

from __future__ import annotations

import base64
import re

import pytest

from widgets.staffing import StaffingExplorer


@pytest.fixture(scope="module")
def default_view():
    return StaffingExplorer()


def _text(html_value: str) -> str:
    return re.sub(r"<[^>]+>", " ", html_value)


def test_defaults_reproduce_worked_example_a(default_view):
    view = default_view
    assert (view.calls.value, view.period.value, view.aht.value) == (100, 30, 180)
    assert (view.target_percent.value, view.target_seconds.value) == (80, 20)
    assert view.shrinkage.value == 30
    result = view.current()
    assert result.offered_load_erlangs == pytest.approx(10.0)
    assert (result.agents_on_phones, result.agents_to_schedule) == (14, 20)
    text = _text(view.result.value)
    assert "14 agents on the phones, 20 to schedule" in text
    assert "= 10.00 Erlangs" in text
    assert "88.8 % answered within 20 s (meets the 80 % target)" in text
    assert "7.8 s" in text and "71.4 %" in text and "17.4 %" in text
    assert view.message.value == ""


def test_table_lists_agents_around_the_answer_in_words(default_view):
    text = _text(default_view.table.value)
    # The worked example's rows: 13 agents just misses, 14 meets.
    assert re.search(r"13 +76.9 % +28.5 % +79.6 % +no +17.1 s", text)
    assert re.search(r"14 \(answer\) +71.4 % +17.4 % +88.8 % +yes +7.8 s", text)
    assert "11 " in text and "17 " in text and " 10 " not in text


def test_plot_is_an_img_with_alt_text_and_a_description(default_view):
    plot = default_view.plot.value
    assert plot.startswith("<img ")
    assert 'alt="Service level against agents; described in words below"' in plot
    data = re.search(r'base64,([^"]+)"', plot).group(1)
    assert base64.b64decode(data).startswith(b"\x89PNG")
    alt = default_view.plot_alt.value
    assert "from 11 to 20 agents" in alt
    assert "the first number of agents at or above it is 14, with 88.8 %" in alt


def test_changing_inputs_updates_the_output():
    view = StaffingExplorer()
    view.calls.value = 360
    view.aht.value = 240
    view.target_seconds.value = 15
    view.target_percent.value = 80
    view.shrinkage.value = 0
    # Worked example B: A = 48 Erlangs; 55 agents give SL(15 s) of about 84.6 %.
    result = view.current()
    assert result.offered_load_erlangs == pytest.approx(48.0)
    assert result.agents_on_phones == 55
    assert result.agents_to_schedule == 55
    text = _text(view.result.value)
    assert "55 agents on the phones, 55 to schedule" in text
    assert "84.6 % answered within 15 s" in text
    assert re.search(r"54 +88.9 % +[\d.]+ % +79.3 % +no", _text(view.table.value))
    view.shrinkage.value = 35
    assert "55 agents on the phones, 85 to schedule" in _text(view.result.value)
    assert view.message.value == ""


def test_trying_a_number_of_agents(default_view):
    view = StaffingExplorer()
    view.agents.value = 13
    assert "With 13 agents on the phones: service level 79.6 %" in view.try_result.value
    assert "misses the target" in view.try_result.value
    view.agents.value = 0
    assert view.try_result.value == ""


@pytest.mark.parametrize(
    ("control", "value", "expected"),
    [
        ("period", 0, "Period (minutes) must be more than 0 minutes (got 0)"),
        ("calls", -5, "Calls per period must be more than 0 (got -5)"),
        ("aht", 0, "Average handle time (seconds) must be more than 0 seconds (got 0)"),
        ("target_seconds", -1, "Target: answered within (seconds) must be 0 or more (got -1)"),
    ],
)
def test_bad_input_gives_one_line_and_clears_the_answer(control, value, expected):
    view = StaffingExplorer()
    getattr(view, control).value = value
    assert expected in view.message.value
    assert "if-message-error" in view.message._dom_classes
    assert view.message.value.count("<div") == 1
    assert "Traceback" not in view.message.value
    assert view.result.value == view.table.value == view.plot.value == ""
    # Putting a valid value back restores the answer and clears the message.
    getattr(view, control).value = {"period": 30, "calls": 100, "aht": 180}.get(control, 20)
    assert view.message.value == ""
    assert "14 agents on the phones" in _text(view.result.value)


def test_too_few_agents_to_try_is_a_message_not_a_crash():
    view = StaffingExplorer()
    view.agents.value = 10  # N = A: the queue never clears
    assert (
        "Agents to try must be more than the offered load of 10.00 Erlangs (got 10)"
        in view.message.value
    )
    assert view.try_result.value == ""
    assert "14 agents on the phones" in _text(view.result.value)  # the answer stays


def test_high_occupancy_gets_a_note_in_words():
    view = StaffingExplorer(
        calls=1000,
        period_minutes=30,
        aht_seconds=180,
        target_percent=50,
        target_seconds=60,
        shrinkage_percent=30,
    )
    assert view.current().occupancy > 0.9
    assert "Occupancy is above 90 %" in view.result.value


def test_controls_do_not_update_while_typing_and_css_classes_are_stable(default_view):
    view = default_view
    for name in (
        "calls",
        "period",
        "aht",
        "target_percent",
        "target_seconds",
        "shrinkage",
        "agents",
    ):
        control = getattr(view, name)
        assert control.continuous_update is False
        assert control.description
    assert "if-staffing" in view._dom_classes
    for part, control in view.parts.items():
        assert f"if-staffing-{part}" in control._dom_classes


def test_a_failing_core_shows_a_message_not_a_traceback(monkeypatch):
    view = StaffingExplorer()

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr("widgets.staffing.staffing", broken)
    view.calls.value = 120
    assert "Something went wrong" in view.message.value
    assert "internal detail" not in view.message.value
