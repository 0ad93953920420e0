"""The portfolio builder's own sections (profile, editor, evidence list, mapping) in process,
against a real portfolio in a temporary folder."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from incidentfolio.store import open_store
from widgets.portfolio.common import PortfolioContext
from widgets.portfolio.editor import MAX_UPLOAD_BYTES, EditorSection
from widgets.portfolio.evidence_list import EvidenceListSection
from widgets.portfolio.mapping import MappingSection
from widgets.portfolio.profile import ProfileSection

WITNESS = {
    "witness_name": "Alex Morgan",
    "witness_role": "Team leader",
    "relationship": "My line manager",
    "date_observed": "2026-03-04",
    "observed": "I saw Sam log a gas escape, read back the postcode and pass it on.",
    "signature_statement": True,
    "signed_on": "2026-03-05",
}
WHY = "The team leader describes how I stayed calm and read back the address."


@pytest.fixture
def ctx(tmp_path) -> PortfolioContext:
    return PortfolioContext(tmp_path / "portfolio")


@pytest.fixture
def ready(ctx) -> PortfolioContext:
    profile = ProfileSection(ctx)
    profile.name.value = "Sam Taylor"
    profile.number.value = "C1234"
    profile.frameworks.value = ("k503-0421",)
    profile.save.click()
    return ctx


def fill_witness(editor: EditorSection, title: str = "Team leader's account") -> None:
    editor.type.value = "witness_testimony"
    editor.form.title.value = title
    for control in editor.form.controls:
        if control.field.id in WITNESS:
            control.set(WITNESS[control.field.id])


def upload(name: str, content: bytes) -> dict:
    return {"name": name, "type": "", "size": len(content), "content": memoryview(content),
            "last_modified": datetime.now(timezone.utc)}  # fmt: skip


def test_first_run_asks_for_the_profile_and_saves_it(ctx):
    profile = ProfileSection(ctx)
    assert "Welcome" in profile.intro.value
    profile.save.click()
    assert "must not be empty" in profile.message.value  # nothing typed yet
    profile.name.value, profile.number.value = "Sam Taylor", "C1234"
    profile.frameworks.value = ("k503-0421",)
    profile.save.click()
    assert "Profile saved" in profile.message.value
    with open_store(ctx.folder) as store:
        assert store.profile().frameworks == ("k503-0421",)
    assert "provisional wording" in " ".join(label for label, _ in profile.frameworks.options)


def test_editor_draft_survives_a_reload(ready):
    editor = EditorSection(ready)
    fill_witness(editor)
    reloaded = EditorSection(ready)  # a new page on the same portfolio
    assert reloaded.type.value == "witness_testimony"
    assert reloaded.form.values()["title"] == "Team leader's account"
    assert reloaded.form.values()["body"]["witness_role"] == "Team leader"
    assert "draft was restored" in reloaded.status.value


def test_saving_a_witness_testimony_with_an_attachment(ready):
    editor = EditorSection(ready)
    listing = EvidenceListSection(ready, on_edit=editor.edit)
    fill_witness(editor)
    editor.uploads.value = (upload("signed-statement.pdf", b"%PDF-1.4 fake"),)
    editor.save.click()
    assert "Saved as EV-0001" in editor.status.value, editor.message.value
    with open_store(ready.folder) as store:
        item = store.item("EV-0001")
        assert [a.name for a in item.attachments] == ["signed-statement.pdf"]
        assert store.draft("portfolio-editor") is None
    assert [value for _, value in listing.picker.options] == [None, "EV-0001"]


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("virus.exe", 10, "virus.exe: .exe cannot be attached"),
        ("huge.pdf", MAX_UPLOAD_BYTES + 1, "huge.pdf is 10.0 MB; attachments may be 10 MB at most"),
    ],
)
def test_bad_uploads_are_refused_next_to_the_control(ready, name, size, message):
    editor = EditorSection(ready)
    fill_witness(editor)
    editor.uploads.value = (upload(name, b"x" * size),)
    editor.save.click()
    assert message in editor.message.value
    with open_store(ready.folder) as store:
        assert store.items() == []
        assert store.draft("portfolio-editor") is not None  # the typing is still there


def test_a_body_problem_is_a_message_and_keeps_the_draft(ready):
    editor = EditorSection(ready)
    fill_witness(editor)
    editor.form.controls[4].set("not a date")  # date_observed
    editor.save.click()
    assert "date_observed" in editor.message.value
    assert 'role="alert"' in editor.message.value


def test_list_open_versions_edit_and_delete(ready):
    editor = EditorSection(ready)
    listing = EvidenceListSection(ready, on_edit=editor.edit)
    fill_witness(editor)
    editor.save.click()
    listing.picker.value = "EV-0001"
    assert "Team leader&#x27;s account" in listing.view.value
    listing.edit_button.click()
    assert "Editing EV-0001" in editor.heading.value
    editor.form.title.value = "Team leader's signed account"
    editor.save.click()
    assert "Saved version 2 of EV-0001" in editor.status.value
    listing.picker.value = "EV-0001"
    assert "Versions (2)" in listing.versions.value
    listing.delete_button.click()
    assert listing.confirm.layout.display is None
    listing.confirm.click()
    assert "deleted" in listing.message.value
    assert [v for _, v in listing.picker.options] == [None]
    listing.status_filter.value = "deleted"
    assert [v for _, v in listing.picker.options] == [None, "EV-0001"]


def test_mapping_with_warnings_draft_and_unmap(ready):
    editor = EditorSection(ready)
    fill_witness(editor)
    editor.save.click()
    mapping = MappingSection(ready)
    mapping.item.value = "EV-0001"
    mapping.framework.value = "k503-0421"
    mapping.criterion.value = "3.1"
    assert "does not count witness testimony" in mapping.warnings.value
    assert "An assessor looks for" in mapping.details.value
    mapping.criterion.value = "1.1"
    mapping.why.value = WHY
    again = MappingSection(ready)  # reload: the justification is still there
    assert (again.item.value, again.criterion.value, again.why.value) == ("EV-0001", "1.1", WHY)
    mapping.map_button.click()
    assert "Mapped EV-0001 to k503-0421:1.1" in mapping.message.value
    mapping.criterion.value = "1.3"
    mapping.why.value = WHY
    assert "already used word for word" in mapping.warnings.value
    mapping.why.value = "too short"
    mapping.map_button.click()
    assert "must be at least one sentence" in mapping.message.value
    mapping.unmap_choice.value = "k503-0421:1.1"
    mapping.unmap_button.click()
    with open_store(ready.folder) as store:
        assert store.item("EV-0001").mappings == ()


def test_css_classes_are_stable(ready):
    editor = EditorSection(ready)
    assert "if-portfolio-editor" in editor._dom_classes
    assert "if-portfolio-editor-save" in editor.save._dom_classes
    assert "if-evidence-form-reflection" in editor.form._dom_classes or editor.type.value
    listing = EvidenceListSection(ready, on_edit=editor.edit)
    assert "if-portfolio-evidence" in listing._dom_classes
    assert "if-portfolio-map" in MappingSection(ready)._dom_classes
    assert "if-portfolio-profile-save" in ProfileSection(ready).save._dom_classes


def test_folder_is_created_user_only(ctx):
    ProfileSection(ctx)
    assert (Path(ctx.folder).stat().st_mode & 0o777) == 0o700


def test_autosave_is_immediate_outside_a_kernel_even_with_a_loop_running(ready):
    """Another library's running event loop (e.g. Playwright's) must not delay the draft."""
    import asyncio
    import threading

    drafts = []

    async def type_in_editor():
        editor = EditorSection(ready)
        fill_witness(editor)
        with open_store(ready.folder) as store:
            drafts.append(store.draft("portfolio-editor"))

    worker = threading.Thread(target=lambda: asyncio.run(type_in_editor()))
    worker.start()
    worker.join(timeout=60)
    assert drafts and drafts[0]["values"]["title"] == "Team leader's account"
