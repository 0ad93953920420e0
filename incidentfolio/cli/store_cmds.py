"""Portfolio commands: ``init``, ``evidence …``, ``check`` and ``declare``."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from incidentfolio.store import Mapping


def parse_ref(ref: str) -> tuple[str, str]:
    """``k503-0421:1.3`` → (framework, criterion); a usage error otherwise."""
    framework, sep, criterion = ref.partition(":")
    if not sep or not framework or not criterion:
        raise click.BadParameter(f"{ref!r} is not FRAMEWORK:CRITERION (e.g. k503-0421:1.3)")
    return framework, criterion


@click.command()
@click.option("--name", required=True, help="The candidate's full name.")
@click.option("--candidate-number", required=True, help="The awarding body's candidate number.")
@click.option("--framework", "frameworks", multiple=True, required=True, metavar="FW",
              help="A framework to evidence (repeat for more).")  # fmt: skip
@click.option("--centre", default="", help="The centre name.")
@click.option("--assessor", default="", help="The assessor's name.")
@click.pass_context
def init(ctx: click.Context, name: str, candidate_number: str, frameworks: tuple[str, ...],
         centre: str, assessor: str) -> None:  # fmt: skip
    """Create the portfolio (or update its profile)."""
    with ctx.obj.store(create=True) as store:
        profile = store.set_profile(candidate_name=name, candidate_number=candidate_number,
                                    frameworks=frameworks, centre=centre,
                                    assessor_name=assessor)  # fmt: skip
        click.echo(
            f"portfolio ready: {store.folder} ({profile.candidate_name}, candidate "
            f"{profile.candidate_number}; frameworks: {', '.join(profile.frameworks)})"
        )


@click.group()
def evidence() -> None:
    """Add, list, show, map and delete evidence items."""


def _mapping(ref: str, why: str | None, anchor: str | None = None) -> Mapping:
    from incidentfolio.store import Mapping

    framework, criterion = parse_ref(ref)
    if not why:
        raise click.BadParameter(f"{ref} needs a justification: give it as {ref}=WHY")
    return Mapping(framework, criterion, why, anchor)


@evidence.command("add")
@click.option("--type", "evidence_type", required=True, metavar="TYPE", help="Evidence type.")
@click.option("--title", required=True, help="A short title for the item.")
@click.option("--text-file", type=click.Path(path_type=Path, dir_okay=False),
              help="Markdown; '## Field' headings fill the template's fields.")  # fmt: skip
@click.option("--json-file", type=click.Path(path_type=Path, dir_okay=False),
              help="The body as JSON or YAML.")  # fmt: skip
@click.option("--notebook", type=click.Path(path_type=Path, dir_okay=False),
              help="A notebook (.ipynb) to keep as evidence.")  # fmt: skip
@click.option("--attach", multiple=True, type=click.Path(path_type=Path),
              help="A file to keep with the item (repeat for more).")  # fmt: skip
@click.option("--criteria", "criteria", multiple=True, metavar="FW:ID=WHY",
              help="Map to a criterion with a justification (repeat for more).")  # fmt: skip
@click.option("--scenario", help="The practice scenario this came from.")
@click.option("--personal-data", is_flag=True, help="The item contains personal data.")
@click.pass_context
def evidence_add(
    ctx: click.Context,
    evidence_type: str,
    title: str,
    text_file: Path | None,
    json_file: Path | None,
    notebook: Path | None,
    attach: tuple[Path, ...],
    criteria: tuple[str, ...],
    scenario: str | None,
    personal_data: bool,
) -> None:
    """Add an evidence item; prints its new id on the last line."""
    from incidentfolio.evidence_input import body_from_json_file, body_from_markdown, notebook_body

    sources = [s for s in (text_file, json_file, notebook) if s is not None]
    if len(sources) != 1:
        raise click.UsageError("give exactly one of --text-file, --json-file or --notebook")
    if text_file is not None:
        body = body_from_markdown(evidence_type, text_file)
    elif json_file is not None:
        body = body_from_json_file(json_file)
    else:
        if evidence_type != "notebook":
            raise click.UsageError("--notebook is for --type notebook")
        body = notebook_body(notebook)  # type: ignore[arg-type]
        attach = (notebook, *attach)  # type: ignore[assignment]
    mappings = [_mapping(*_split_why(c)) for c in criteria]
    with ctx.obj.store() as store:
        item_id = store.add_item(evidence_type, title, body, source_scenario=scenario,
                                 personal_data=personal_data, attachments=attach,
                                 mappings=mappings)  # fmt: skip
        click.echo(
            f"added {evidence_type} {title!r} with {len(mappings)} mapping"
            f"{'s' if len(mappings) != 1 else ''} and {len(attach)} attachment"
            f"{'s' if len(attach) != 1 else ''}"
        )
        click.echo(item_id)


def _split_why(text: str) -> tuple[str, str | None]:
    ref, sep, why = text.partition("=")
    return ref.strip(), (why.strip() if sep else None)


@evidence.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--deleted", is_flag=True, help="Include deleted items.")
@click.pass_context
def evidence_list(ctx: click.Context, as_json: bool, deleted: bool) -> None:
    """List the evidence items."""
    with ctx.obj.store() as store:
        items = store.items(include_deleted=deleted)
        if as_json:
            click.echo(json.dumps([i.as_dict() for i in items], indent=2, ensure_ascii=False))
            return
        if not items:
            click.echo("no evidence yet: add some with `incidentfolio evidence add`")
            return
        width = max(len(i.type) for i in items)
        click.echo(f"{'ID':<8} {'TYPE':<{width}} {'V':>2} {'MAPPED':>6}  TITLE")
        for i in items:
            title = i.title + (" (deleted)" if i.deleted else "")
            click.echo(f"{i.id:<8} {i.type:<{width}} {i.version:>2} {len(i.mappings):>6}  {title}")


@evidence.command("show")
@click.argument("item_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def evidence_show(ctx: click.Context, item_id: str, as_json: bool) -> None:
    """Show one item: its fields, mappings and attachments."""
    from incidentfolio.evidence_types import body_text

    with ctx.obj.store() as store:
        item = store.item(item_id)
    if as_json:
        click.echo(json.dumps(item.as_dict(), indent=2, ensure_ascii=False))
        return
    state = " (deleted)" if item.deleted else ""
    click.echo(f"{item.id} {item.type}: {item.title}{state}")
    click.echo(f"version {item.version}, recorded {item.updated_at}"
               + (", contains personal data" if item.personal_data else ""))  # fmt: skip
    click.echo("")
    click.echo(body_text(item.type, item.body))
    click.echo("")
    count = len(item.mappings)
    click.echo(
        f"Mapped to {count} criteri{'on' if count == 1 else 'a'}:" if count else "Not mapped."
    )
    for m in item.mappings:
        click.echo(f"  {m.ref}  {m.justification}" + (f" [{m.anchor}]" if m.anchor else ""))
    for a in item.attachments:
        click.echo(f"Attachment: {a.name} ({a.size} bytes, sha256 {a.sha256[:12]}…)")


@evidence.command("map")
@click.argument("item_id")
@click.argument("ref", metavar="FW:ID")
@click.option("--why", required=True, help="How this item shows the criterion.")
@click.option("--anchor", help="Which field or notebook cell shows it.")
@click.pass_context
def evidence_map(ctx: click.Context, item_id: str, ref: str, why: str, anchor: str | None) -> None:
    """Map an item to a criterion, with a justification."""
    mapping = _mapping(ref, why, anchor)
    with ctx.obj.store() as store:
        store.map_item(item_id, mapping)
    click.echo(f"mapped {item_id} to {mapping.ref}")


@evidence.command("unmap")
@click.argument("item_id")
@click.argument("ref", metavar="FW:ID")
@click.pass_context
def evidence_unmap(ctx: click.Context, item_id: str, ref: str) -> None:
    """Remove a mapping (its record is kept)."""
    parse_ref(ref)
    with ctx.obj.store() as store:
        store.unmap_item(item_id, ref)
    click.echo(f"unmapped {item_id} from {ref}")


@evidence.command("history")
@click.argument("item_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def evidence_history(ctx: click.Context, item_id: str, as_json: bool) -> None:
    """Every version of an item, oldest first."""
    with ctx.obj.store() as store:
        versions = store.history(item_id)
    if as_json:
        click.echo(json.dumps(versions, indent=2, ensure_ascii=False))
        return
    for v in versions:
        state = "deleted" if v["state"] == "deleted" else "saved"
        click.echo(f"v{v['version']}  {v['recorded_at']}  {state:<7}  {v['title']}  "
                   f"sha256 {v['sha256'][:12]}")  # fmt: skip


@evidence.command("delete")
@click.argument("item_id")
@click.pass_context
def evidence_delete(ctx: click.Context, item_id: str) -> None:
    """Delete an item (a tombstone: its history stays)."""
    with ctx.obj.store() as store:
        store.delete_item(item_id)
    click.echo(
        f"deleted {item_id} (its history is kept: `incidentfolio evidence history {item_id}`)"
    )


@click.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Verify the database, the ledger chain and every item and attachment hash."""
    from incidentfolio.store.integrity import check_store

    with ctx.obj.store() as store:
        report = check_store(store)
    for note in report.notes:
        click.echo(note)
    if not report.ok:
        for problem in report.problems:
            click.echo(f"incidentfolio: check failed: {problem}", err=True)
        raise click.exceptions.Exit(1)
    click.echo("check passed: every item, attachment and ledger entry is as recorded")


@click.command()
@click.pass_context
def declare(ctx: click.Context) -> None:
    """Sign the authenticity declaration over the portfolio as it is now."""
    with ctx.obj.store() as store:
        record = store.declare()
    click.echo(textwrap.fill(record["statement"], 96))
    click.echo(
        f"declared by {record['candidate_name']} at {record['declared_at']} over ledger entry "
        f"{record['ledger_seq']}; any later change makes this declaration stale"
    )
