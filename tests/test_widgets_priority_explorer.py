"""The priority explorer in-process: controls drive the core, errors become messages."""

from __future__ import annotations

from widgets.priority_explorer import PriorityExplorer


def test_initial_state_is_p3_with_matrix_marked():
    view = PriorityExplorer()
    assert "P3" in view.result.value and "Medium" in view.result.value
    assert "P3 Medium (your choice)" in view.table.value
    assert view.message.value == ""


def test_changing_controls_updates_the_card():
    view = PriorityExplorer()
    view.impact.value = "high"
    view.urgency.value = "high"
    assert "if-pri-P1" in view.result.value
    assert "within 15 minutes" in view.result.value
    view.impact.value = "low"
    view.urgency.value = "low"
    assert "if-pri-P5" in view.result.value
    assert "P5 Planning (your choice)" in view.table.value


def test_life_risk_overrides_to_p1():
    view = PriorityExplorer(impact="low", urgency="low")
    view.life.value = True
    assert "if-pri-P1" in view.result.value
    assert "risk to life, so it becomes P1 Critical" in view.result.value


def test_css_classes_are_stable():
    view = PriorityExplorer()
    for control, part in (
        (view.impact, "impact"),
        (view.urgency, "urgency"),
        (view.life, "life"),
        (view.result, "result"),
        (view.table, "matrix"),
    ):
        assert f"if-priority-{part}" in control._dom_classes


def test_a_failing_callback_shows_a_message_not_a_traceback(monkeypatch):
    view = PriorityExplorer()

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr("widgets.priority_explorer.priority", broken)
    view.impact.value = "high"
    assert "Something went wrong" in view.message.value
    assert "internal detail" not in view.message.value
    assert "if-message-error" in view.message._dom_classes


def test_guard_drops_reentrant_calls():
    view = PriorityExplorer()
    calls = []

    @view.guarded
    def outer():
        calls.append("outer")
        inner()

    @view.guarded
    def inner():
        calls.append("inner")

    outer()
    assert calls == ["outer"]
