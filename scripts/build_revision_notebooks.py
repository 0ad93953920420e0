"""Write the seven revision notebooks in notebooks/ from the text and code in this file.

Usage: python scripts/build_revision_notebooks.py [NAME ...]   (default: all seven)

The notebooks are written without outputs, with stable cell ids. Store their outputs (which
nbval compares) straight afterwards:

    python scripts/execute_notebooks.py notebooks/<name>.ipynb

Edit the teaching text here rather than in the .ipynb files, so a rebuild never loses it.
"""

# ruff: noqa: E501  (markdown tables and example logs in the notebook text run long)
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from textwrap import dedent

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
WIDGET_TAG = "nbval-ignore-output"


@dataclass
class Book:
    """One notebook: its file stem, hub metadata and cells as ("md" | "code" | "widget", text)."""

    name: str
    title: str
    summary: str
    order: int
    cells: list[tuple[str, str]] = field(default_factory=list)

    def md(self, text: str) -> None:
        self.cells.append(("md", text))

    def code(self, text: str) -> None:
        self.cells.append(("code", text))

    def widget(self, text: str) -> None:
        self.cells.append(("widget", text))

    def build(self) -> nbformat.NotebookNode:
        nb = new_notebook()
        nb.metadata["incidentfolio"] = {
            "title": self.title,
            "audience": "learn",
            "summary": self.summary,
            "order": self.order,
        }
        nb.metadata["kernelspec"] = dict(KERNELSPEC)
        for n, (kind, text) in enumerate(self.cells, start=1):
            source = dedent(text).strip("\n")
            if kind == "md":
                cell = new_markdown_cell(source)
            else:
                cell = new_code_cell(source)
                if kind == "widget":
                    cell.metadata["tags"] = [WIDGET_TAG]
            cell["id"] = f"{self.name.replace('_', '-')}-{n:02d}"
            nb.cells.append(cell)
        return nb


# --- code cells several notebooks share ----------------------------------------------------


def catalogue_cell(entry_ids: list[str]) -> str:
    """Print misconception / marking-point entries with their corrections."""
    ids = "".join(f'    "{entry_id}",\n' for entry_id in entry_ids)
    return (
        "from textwrap import fill\n"
        "\n"
        "from incidentfolio.misconceptions import load_catalogue\n"
        "\n"
        "catalogue = load_catalogue()\n"
        'INDENT = {"initial_indent": "  ", "subsequent_indent": "    "}\n'
        "for entry_id in [\n"
        f"{ids}"
        "]:\n"
        "    entry = catalogue[entry_id]\n"
        '    kind = "Mistake" if entry.kind == "misconception" else "Marking point"\n'
        "    print(entry.id)\n"
        '    print(fill(f"{kind}: {entry.statement}", 96, **INDENT))\n'
        '    print(fill(f"Do this: {entry.correction}", 96, **INDENT))\n'
    )


def demo_cell(codes: list[str], *, marks: bool = True) -> str:
    """Score the worked examples of scoring.yaml: a model log with one mistake made in it."""
    listed = "".join(f'    "{code}",\n' for code in codes)
    heading = (
        '    print(f"{code}: {scenario.id} model log, now {report.total}/{report.max} marks")\n'
        if marks
        else '    print(f"{code}: {scenario.id} model log")\n'
    )
    return (
        "from textwrap import fill\n"
        "\n"
        "from incidentfolio.scenarios import load_scenarios\n"
        "from incidentfolio.scoring import apply_changes, score\n"
        "from incidentfolio.scoring_rules import load_rules\n"
        "\n"
        "scenarios = load_scenarios()\n"
        "rules = load_rules()\n"
        'INDENT = {"initial_indent": "  ", "subsequent_indent": "    "}\n'
        "\n"
        "\n"
        "def describe(change):\n"
        '    op = next(k for k in ("set", "delete", "append") if k in change)\n'
        '    if op == "delete":\n'
        '        return f"delete {change[op]}"\n'
        "    return f\"{op} {change[op]} to {change['value']!r}\"\n"
        "\n"
        "\n"
        "for code in [\n"
        f"{listed}"
        "]:\n"
        "    demo = rules.finding(code).demo\n"
        '    scenario = scenarios[demo["scenario"]]\n'
        '    report = score(scenario, apply_changes(scenario.model_log, demo["changes"]))\n'
        f"{heading}"
        '    for change in demo["changes"]:\n'
        '        print(fill("mistake: " + describe(change), 96, **INDENT))\n'
        "    for finding in report.findings:\n"
        '        print(fill("finding: " + finding.message, 96, **INDENT))\n'
        "    print()\n"
    )


def knowledge_check(topic: str, title: str) -> str:
    call = f'KnowledgeCheck(topic="{topic}", title="{title}")'
    if len(call) > 100:
        call = f'KnowledgeCheck(\n    topic="{topic}",\n    title="{title}",\n)'
    return f"from widgets.knowledge_check import KnowledgeCheck\n\n{call}\n"


# --- 1. incidents and the lifecycle ------------------------------------------------------------


def incidents() -> Book:
    b = Book(
        "incidents_and_lifecycle",
        "What counts as an incident",
        "Tell incidents apart from service requests, enquiries, complaints and problems, and "
        "follow an incident from first report to review while you keep ownership.",
        10,
    )
    b.md("""
        # What counts as an incident

        A contact centre hears about many things in one shift: a smell of gas, a forgotten
        password, a late refund, a question about opening times. Only some of them are
        **incidents**. Naming the contact correctly is the first decision you make, because it
        decides which process handles it, how fast, and who has to know.

        This notebook covers the incident management services a centre offers (k503-0421 AC 3.1),
        the structured procedure assessors expect (Principles LO1 and LO3) and telling an
        incident apart from a request (escalated-incidents AC 1.1). A short knowledge check waits
        at the end.
        """)
    b.md("""
        ## Six kinds of contact

        | Kind | What it means | Example | Who deals with it |
        |---|---|---|---|
        | **Incident** | Something unplanned has stopped a service working, made it worse, or put people, money or data at risk. A part that has failed before anyone notices counts too (one disk of a mirrored pair). | A smell of gas; the banking app down for everyone; a lost bank card | Incident management |
        | **Service request** | A request for something standard that has been agreed in advance | A password reset with no sign of fraud; a change of address; a copy of a bill | Request fulfilment |
        | **Enquiry** | Information only: nothing is broken or at risk | "What time does the branch open?" | Answered there and then |
        | **Complaint** | Dissatisfaction, justified or not, saying the person has lost (or may lose) money, or suffered distress or inconvenience (the FCA's wording, in short) | A refund still missing weeks after a return | The complaints process, with its own time limits |
        | **Problem** | The underlying cause of one or more incidents | The expired certificate behind hundreds of failed logins | Problem management |
        | **Major incident** | The top tier: its own agreed procedure, a dedicated lead and shorter timescales. Each organisation sets its own criteria. | Online checkout down for every customer on Black Friday | The major incident procedure |

        In the national occupational standard the word has a practical sense as well: an incident
        is a contact that **expects an immediate response**.
        """)
    b.md("""
        ## One question sorts most contacts

        *Is something broken, unsafe, at risk or getting worse?* If yes, it is an incident. If
        the person wants something standard, it is a request; if they only want information, an
        enquiry; if they are unhappy and want it put right, a complaint.

        The kinds overlap, so listen to the whole contact:

        * An outage produces complaints, and each complaint still goes through the complaints
          process.
        * A complaint can **hide** an incident. A customer angry about a letter that was meant
          for someone else is also reporting a personal data breach.
        * A request can turn into an incident: a locked-out customer who mentions changes he did
          not make may be the victim of an account takeover.

        When one contact raises two issues, log **each one separately** with its own reference.

        The shipped practice contacts below each look like one thing. The second line says what
        they really are, and why.
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.scenarios import load_scenarios

        scenarios = load_scenarios()
        KINDS = {
            "incident": "incident",
            "service_request": "service request",
            "enquiry": "enquiry",
            "complaint": "complaint",
        }
        for scenario_id in [
            "opening-hours-enquiry",
            "password-reset",
            "subject-access-request",
            "refund-complaint",
            "intranet-typo",
            "escape-of-water-insurer",
            "misdirected-letter-complaint",
        ]:
            contact = scenarios[scenario_id]
            looks = KINDS[contact.truth.get("presented_as", contact.contact_type)]
            print(contact.title)
            print(f"  arrives as: {looks:<16} really is: {KINDS[contact.contact_type]}")
            print(fill(contact.truth["explanation"], 96, initial_indent="  ", subsequent_indent="  "))
            print()
        """)
    b.md("""
        Notice the last two. A request to "make a claim" is really water pouring through a
        ceiling, and a complaint is really a data breach with a 72-hour reporting clock. Logged
        as what they first seemed, both would be handled too slowly.

        The scorer marks that mistake. Here the misdirected letter is logged as a complaint:
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.scoring import apply_changes, score

        contact = scenarios["misdirected-letter-complaint"]
        as_complaint = apply_changes(
            contact.model_log,
            [
                {"set": "contact_type", "value": "complaint"},
                {"set": "category", "value": "complaint/service"},
            ],
        )
        report = score(contact, as_complaint)
        print(f"Logged as a complaint: {report.total}/{report.max} marks")
        for finding in report.findings:
            print(fill(f"- {finding.message}", 96, subsequent_indent="  "))
        """)
    b.md("""
        ## The lifecycle, from report to review

        Every incident follows the same broad path, whatever the sector:

        1. **Identify.** Someone or something reports it: a caller, monitoring, a colleague or a
           supplier.
        2. **Log.** Every incident gets a record with a unique reference and the time it was
           received; a second issue in the same contact gets a second record.
        3. **Categorise.** Choose the category (two to four levels) from what is actually
           happening.
        4. **Prioritise.** Impact × urgency gives the priority, and a risk to life is always P1.
        5. **Diagnose and fix first time if you can.** Use the script, the knowledge base or a
           decision tree.
        6. **Escalate or deploy.** Pass it on or send resources when a threshold is crossed.
        7. **Investigate.** Specialists find out what is wrong.
        8. **Resolve and recover.** The service is back or the danger is gone.
        9. **Close.** Confirm the outcome with the person who reported it and set a closure code.
        10. **Review.** Look back at the incident (a post-incident review, a problem record,
            trend analysis) so it is less likely to happen again.

        In the incident log the lifecycle shows as a **status**. Not every move is allowed:
        """)
    b.code("""
        from incidentfolio.incident_log import STATUSES, TRANSITIONS

        for status in STATUSES:
            allowed = [s for s in STATUSES if s in TRANSITIONS[status]]
            print(f"{status:<12} -> {', '.join(allowed) if allowed else '(final: nothing follows)'}")
        """)
    b.md("""
        A record that jumps straight from *Escalated* to *Closed* skips the moment the fix is
        confirmed, so the check below rejects it. The lost-card contact shows a complete,
        valid path.
        """)
    b.code("""
        from incidentfolio.incident_log import check_log

        skipped = {
            "status": "Closed",
            "status_history": [
                {"status": "New", "at": "2026-04-19T09:32:00+01:00"},
                {"status": "Escalated", "at": "2026-04-19T09:40:00+01:00"},
                {"status": "Closed", "at": "2026-04-19T10:05:00+01:00"},
            ],
        }
        for problem in check_log(skipped):
            print("Problem:", problem)

        print()
        print("The lost-card log:")
        for change in scenarios["lost-card"].model_log["status_history"]:
            print(f"  {change['at'][11:16]}  {change['status']}")
        print("Problems:", len(check_log(scenarios["lost-card"].model_log)))
        """)
    b.md("""
        ## Ownership

        The service desk or contact centre **owns** the incident for its whole life, even while
        another team does the technical work. Owning it means you:

        * track its progress and chase when a target time is at risk;
        * keep the person who reported it, and anyone else affected, up to date;
        * confirm the outcome with the reporter before you close it;
        * close the record properly, with a closure code.

        "I passed it to second line, so it's theirs now" is the commonest way ownership is lost.
        The worked examples below come from the scoring rules: the first closes a record without
        checking with the caller, the second sends the status backwards.
        """)
    b.code(
        demo_cell(
            ["closed_without_confirmation", "invalid_status_transition", "misclassified_contact"]
        )
    )
    b.md("""
        ## Mistakes to avoid

        * Treating every contact the same way, or sorting by the caller's first sentence rather
          than by what is happening.
        * Handling a complaint or a request and missing the incident inside it.
        * Passing the incident on and forgetting it: ownership stays with you.
        * Closing before the person affected has confirmed the fix.
        * Skipping stages of the procedure because the call is busy. Assessors look for the same
          structured steps every time.

        The misconception catalogue says the same in its own words:
        """)
    b.code(
        catalogue_cell(
            [
                "m-incident-vs-request",
                "m-incident-confused-with-request",
                "mp-structured-procedure",
                "mp-track-to-resolution",
                "m-no-follow-up",
            ]
        )
    )
    b.md("""
        ## Test yourself

        Answer the questions below, then check them: each wrong answer explains the mistake
        behind it. When you check, the result is kept in your portfolio straight away as
        knowledge evidence.
        """)
    b.widget(knowledge_check("incidents", "Check your understanding: incidents and the lifecycle"))
    return b


# --- 2. logging ---------------------------------------------------------------------------


def logging_basics() -> Book:
    b = Book(
        "logging_basics",
        "Logging an incident",
        "What a good incident log holds: mandatory fields, facts not opinions, timestamps, "
        "unique references, one record per issue and an audit trail; LASS and keeping control "
        "of the call.",
        20,
    )
    b.md("""
        # Logging an incident

        The incident log is what everyone else acts on. The engineer drives to the address in
        it; the next shift picks the incident up from it; a reviewer, an auditor or a regulator
        reads it months later to find out what was known and when. If it is not in the log, as
        far as anyone else can tell, it did not happen.

        This notebook covers recording the contact following procedure (k503-0421 AC 1.3),
        keeping control of the call (AC 1.2) and the real-time log expected at higher levels. A
        short knowledge check waits at the end.
        """)
    b.md("""
        ## What a log must hold

        Organisations differ in the detail, but a complete record covers six groups of facts:

        * **Identity and timing:** a unique reference, when it was logged, who logged it and the
          channel it came in on (phone, email, chat, social media, monitoring).
        * **The reporter:** name, a callback number, where they are and how they prefer to be
          contacted.
        * **The incident:** the symptoms in the reporter's own words, what or who is affected,
          the category, impact, urgency and priority, and whether it is a major incident.
        * **Handling:** status, the team or person it is assigned to, and links to a related
          problem record.
        * **Action history:** for every action, who did what, when, and with what result.
        * **Close-out:** when it was resolved, the closure code and when it was closed.

        Contact centres add a few of their own: vulnerability (recorded with consent), hazards,
        the advice you gave, other organisations' references (a gas emergency or police
        reference) and the call-recording ID.

        In incidentfolio's scoring rules these fields are mandatory:
        """)
    b.code("""
        from incidentfolio.scoring_rules import load_rules

        rules = load_rules()
        for kind, label in [("incident", "An incident"), ("other", "Any other contact")]:
            fields = rules.mandatory_fields[kind]
            print(f"{label} ({len(fields)} fields):")
            for start in range(0, len(fields), 5):
                print("  " + ", ".join(fields[start : start + 5]))
        """)
    b.md("""
        ## A model log

        Here is the model log for a shipped practice call: a tenant reporting a strong smell of
        gas with her toddler beside her. Read the timeline at the bottom. Every action, transfer,
        message and change of status has a time, so the log tells the story in order: this is
        the **audit trail**.
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.scenarios import load_scenarios
        from incidentfolio.scoring import score
        from incidentfolio.scoring_rules import load_rules

        contact = load_scenarios()["gas-smell-flat"]
        log = contact.model_log
        who = {c.id: c.label for c in load_rules().contacts.values()}

        print(f"Reference   {log['reference']}  ({log['channel']}, logged by {log['logged_by']})")
        print(f"Received    {log['received_at']}")
        print(f"Location    {log['location']['text']}, {log['location']['postcode']}")
        print(f"Callback    {log['caller']['callback_number']}")
        print(f"Category    {log['category']}")
        print(f"Priority    {log['priority']} (impact {log['impact']}, urgency {log['urgency']})")
        print(fill(f"Description {' '.join(log['description'].split())}", 96, subsequent_indent=" " * 12))
        print()
        timeline = [(s["at"], "status", s["status"]) for s in log["status_history"]]
        timeline += [(a["at"], "action", a["text"]) for a in log["actions"]]
        timeline += [(e["at"], f"escalated to {who[e['to']]}", e["why"]) for e in log["escalations"]]
        timeline += [(m["at"], f"{m['channel']} to {who[m['to']]}", m["text"]) for m in log["messages"]]
        for at, what, text in sorted(timeline):
            print(fill(f"{at[11:16]}  {what}: {text}", 96, subsequent_indent=" " * 7))
        print()
        report = score(contact, log)
        print(f"Scored against the scenario: {report.total}/{report.max}, findings: {len(report.findings)}")
        """)
    b.md("""
        ## Facts, not opinions

        Write what was said or seen, and **who** said it. A judgement written as fact ("drunk",
        "hysterical", "obviously exaggerating") is unfair to the caller, can be wrong, and makes
        the record worthless as evidence.

        | Instead of | Write |
        |---|---|
        | Hysterical woman overreacting about gas | Caller reports a strong smell of gas in her kitchen, getting worse; she sounds distressed |
        | Drunk caller, lost his card | Caller says he noticed his card missing this morning after a night out |
        | Rude customer | Caller raised his voice and swore twice; warned at 14:06 under the abusive-calls policy |

        ## Timestamps and the real-time log

        * Use the 24-hour clock and note the time of **each** entry as it happens, not at the
          end of the call from memory.
        * Entries must run in order. A time before the call started, or a status that goes
          backwards, breaks the timeline.
        * If you must add something later, say so and give both times. The scoring rules treat
          an entry written more than ten minutes after the event as a late entry.

        ## Unique references, and one record per issue

        The reference is how everyone refers to this incident: the engineer, the caller, the
        partner agency. Each one is used once. If the caller raises a second, separate issue (a
        complaint about last week's bill during a power-cut call), open a **second record** with
        its own reference and link the two, so each is tracked, timed and closed on its own.
        """)
    b.code("""
        from incidentfolio.scenarios import load_scenarios

        scenarios = load_scenarios()
        sample = [
            "gas-smell-flat",
            "misdirected-letter-complaint",
            "refund-complaint",
            "password-reset",
            "opening-hours-enquiry",
        ]
        references = [scenarios[s].model_log["reference"] for s in sample]
        for scenario_id, reference in zip(sample, references, strict=True):
            print(f"{reference:<20} {scenarios[scenario_id].contact_type:<16} {scenario_id}")
        print()
        print("All different:", len(set(references)) == len(references))
        print("Prefix names the kind (INC, CMP, SR, ENQ); then the date; then a number for that day.")
        """)
    b.md("""
        ## What the scorer catches

        Each worked example below takes the gas model log and makes one typical mistake. Read the
        finding: it says what is wrong and why it matters.
        """)
    b.code(
        demo_cell(
            [
                "missing_field",
                "incorrect_detail",
                "opinion_as_fact",
                "timestamps_out_of_order",
                "late_entry",
            ]
        )
    )
    b.md("""
        ## LASS: handling an unhappy caller

        Some incidents arrive with an upset or angry caller. **LASS** gives you a simple order:

        * **Listen.** Let them finish. Don't interrupt, and note the facts as they come.
        * **Apologise** for what they have been through. Saying sorry for their experience does
          not admit liability.
        * **Solve.** Take ownership, agree what will happen and by when, and do it.
        * **Say thank you** for telling you: a complaint is free information about what went
          wrong.

        You will also meet **L.A.S.T.** (Listen, Apologise, Solve, Thank), the more widely
        published form, and **HEAT** (Hear, Empathise, Apologise, Take ownership). They share the
        same idea.

        ## Keeping control of the call

        Staying calm and in charge is a criterion in its own right (k503-0421 AC 1.2). It helps
        the caller as much as it helps you.

        * **Safety first.** If anyone may be in danger, give the safety advice before any
          account checks or script.
        * **Lead with questions.** Ask short, direct questions for the facts the response
          depends on (where, who, what is happening now, a callback number), one at a time.
        * **Signpost.** "I'm going to ask you three quick questions so I can get an engineer to
          you."
        * **Read back** addresses, numbers and references, using the phonetic alphabet for
          letters.
        * **Bring it back kindly.** If the caller drifts, acknowledge what they said and return
          to the question.
        * **Close clearly.** Say what happens next, give the reference and check the callback
          number.

        In the gas practice call, these are the details the learner has to ask for: none of
        them is volunteered.
        """)
    b.code("""
        from incidentfolio.scenarios import load_scenarios

        contact = load_scenarios()["gas-smell-flat"]
        for turn in contact.turns:
            if turn.ask_question:
                print(f"{turn.ask_topic:<10} {turn.ask_question}")
        """)
    b.md("""
        ## Mistakes to avoid

        * Leaving out the location or the callback number: nobody can respond or follow up.
        * Writing the log after the call, from memory.
        * Writing opinions as facts, or not saying who said what.
        * Getting a digit of a phone number or postcode wrong because it was never read back.
        * Putting two issues in one record, so one of them is never closed.
        """)
    b.code(
        catalogue_cell(
            [
                "m-log-missing-details",
                "m-audit-trail-incomplete",
                "m-inaccurate-documentation",
                "m-inaccurate-recording",
                "mp-log-accurate-timely",
                "mp-real-time-log",
            ]
        )
    )
    b.md("""
        ## Test yourself

        Answer the questions below, then check them: each wrong answer explains the mistake
        behind it. When you check, the result is kept in your portfolio straight away as
        knowledge evidence.
        """)
    b.widget(knowledge_check("logging", "Check your understanding: logging"))
    return b


# --- 3. categorising and prioritising ------------------------------------------------------


def prioritising() -> Book:
    b = Book(
        "categorising_and_prioritising",
        "Categorising and prioritising",
        "Choose the category from what is happening, set the priority from impact and urgency, "
        "put risk to life first and scale the response to the priority.",
        35,
    )
    b.md("""
        # Categorising and prioritising

        Once an incident is logged, two decisions shape everything after it. The **category**
        says what kind of incident it is, and so which team or resource is sent. The
        **priority** says how fast they must respond.

        This notebook covers assessing and prioritising incidents following procedure (k503-0421
        AC 1.4), deciding what resources to allocate (AC 3.4) and identifying the incident type
        and its impact. Try any combination yourself in the
        [priority matrix explorer](priority_explorer.ipynb). A short knowledge check waits at the
        end.
        """)
    b.md("""
        ## Categorising

        Categories usually have two to four levels, such as *Safety emergency → Gas escape*.
        Choose the category from what the caller actually describes (the hazard, the service that
        has failed, who is at risk), not from the line they rang or the first word they used.
        Then check it against your organisation's list: the category routes the incident, so a
        wrong one sends the wrong people.

        incidentfolio's shared list has these top-level groups:
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.categories import load_categories
        from incidentfolio.scenarios import load_scenarios

        categories = load_categories()
        groups = list(dict.fromkeys(c.group_label for c in categories.values()))
        print(fill("Groups: " + "; ".join(groups), 96, subsequent_indent="  "))
        print()
        scenarios = load_scenarios()
        for scenario_id in [
            "gas-smell-flat",
            "psr-oxygen-power-cut",
            "misdirected-letter-complaint",
            "lost-card",
            "crm-slow-one-team",
        ]:
            category = categories[scenarios[scenario_id].truth["category"]]
            print(f"{scenario_id:<30} {category.group_label} -> {category.label}")
        """)
    b.md("""
        ## Impact × urgency

        * **Impact**: how widely are people, the business or its customers hurt? Think about
          the number of people affected, money, reputation and, above all, safety.
        * **Urgency**: how fast does the harm grow, or how soon must the work be done?

        Rate the two **separately**, then read the priority from the matrix. A common example of
        a matrix (each organisation sets its own in its service level agreements):
        """)
    b.code("""
        from incidentfolio.priority import load_priority_matrix

        matrix = load_priority_matrix()
        for row in matrix.as_rows():
            print("".join(f"{cell:<18}" for cell in row))
        print()
        for axis, levels in [("Impact", matrix.impact_levels), ("Urgency", matrix.urgency_levels)]:
            for level in levels:
                print(f"{axis} {level.label.lower()}: {level.meaning}")
        """)
    b.md("""
        ## Worked examples from the practice calls

        For each shipped contact below, the matrix priority is worked out from its impact and
        urgency, then compared with the priority the scenario expects. Two are not what the
        matrix alone gives: one is a risk to life, the other a vulnerable customer.
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.priority import priority
        from incidentfolio.scenarios import load_scenarios

        scenarios = load_scenarios()
        for scenario_id in [
            "printer-single-user",
            "crm-slow-one-team",
            "lost-card",
            "checkout-outage",
            "gas-smell-flat",
            "psr-oxygen-power-cut",
        ]:
            truth = scenarios[scenario_id].truth
            life = bool(truth.get("risk_to_life"))
            result = priority(truth["impact"], truth["urgency"], risk_to_life=life)
            print(f"{scenario_id}: impact {truth['impact']}, urgency {truth['urgency']}")
            steps = f"matrix {result.matrix_priority.code}"
            if life:
                steps += f"; risk to life, so {result.code} whatever the matrix says"
            print(f"  {steps}; the scenario expects {truth['priority']}")
            override = truth.get("priority_override")
            if override:
                print(fill(f"override ({override['reason']}): {override['explanation']}", 96,
                           initial_indent="  ", subsequent_indent="    "))
        """)
    b.md("""
        ## Risk to life comes first

        If anyone may die or be seriously hurt (fire, a gas escape, a collapse, a threat of
        violence, someone saying they intend to end their life), the incident is **P1**
        straight away, whatever impact and urgency would otherwise give. Get help moving first
        (999, or the specialist emergency line) and stay with the caller; the log and the
        category can follow a moment later.

        For example, a customer ringing about a late delivery says she has crushing chest pain.
        Only one person is affected (low impact), but it cannot wait (high urgency):
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.priority import priority

        result = priority("low", "high", risk_to_life=True)
        print(f"Matrix: {result.matrix_priority.label}; with the risk to life: {result.priority.label}")
        print(fill(result.explanation, 96))
        """)
    b.md("""
        ## Avoiding one size fits all

        A priority is only useful if it changes what happens. Each level comes with its own
        target times and its own response: who is called, how far up it goes, how often people
        are updated. Making everything P1 pulls specialists away from the real emergencies;
        making everything P3 leaves them waiting. Common example targets:
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.priority import load_priority_matrix

        for level in load_priority_matrix().priorities.values():
            print(f"{level.label:<12} respond {level.response}")
            print(f"{'':<12} resolve {level.resolution}")
            print(fill(f"typically: {level.typical}", 96, initial_indent=" " * 13,
                       subsequent_indent=" " * 15))
        """)
    b.md("""
        ## What the scorer catches

        Each worked example takes a model log and gets the category or priority wrong in one
        typical way.
        """)
    b.code(
        demo_cell(
            [
                "wrong_category",
                "under_prioritised",
                "over_prioritised",
                "risk_to_life_not_p1",
                "priority_inconsistent",
            ]
        )
    )
    b.md("""
        ## Mistakes to avoid

        * Going by how loud or upset the caller is. Distress changes how you speak to them, not
          the priority: ask about the facts.
        * Making everything urgent, or treating everything the same.
        * Missing the vulnerable person whose circumstances raise the priority.
        * Choosing the category from the line the call came in on.
        * Overriding the matrix without writing down why.
        """)
    b.code(
        catalogue_cell(
            [
                "m-miscategorised",
                "m-same-urgency-for-all",
                "m-severity-misclassified",
                "m-one-size-fits-all",
                "mp-identify-type-impact",
            ]
        )
    )
    b.md("""
        ## Test yourself

        Answer the questions below, then check them: each wrong answer explains the mistake
        behind it. When you check, the result is kept in your portfolio straight away as
        knowledge evidence.
        """)
    b.widget(
        knowledge_check("prioritising", "Check your understanding: categorising and prioritising")
    )
    return b


# --- 4. escalation --------------------------------------------------------------------------


def escalation() -> Book:
    b = Book(
        "escalation",
        "Escalation and decision trees",
        "Functional and hierarchical escalation, the thresholds that justify it, escalating "
        "neither too soon nor too late, and what decision trees are for.",
        40,
    )
    b.md("""
        # Escalation and decision trees

        **Escalating** means bringing in someone with more expertise or more authority than the
        first person handling the incident. Done at the right moment it gets the right help
        quickly; done too early it wastes specialists' time, and done too late it lets the harm
        grow.

        This notebook covers escalating following procedure (k503-0421 AC 1.7), the thresholds
        that justify a different level of response (AC 3.5) and the purpose and use of decision
        trees (AC 3.3). A short knowledge check waits at the end.
        """)
    b.md("""
        ## Two directions

        * **Functional (horizontal)** escalation passes the work to a team with more expertise:
          first line to second line to third line, or to a supplier, or to a specialist team
          such as fraud or the data protection officer. It happens when first line cannot fix it,
          or when its target time is running out.
        * **Hierarchical (vertical)** escalation brings in management with more authority: to
          release extra resources, to make a decision beyond your remit, or because a P1 or a
          breach of the service level agreement is likely.

        The two often run together. In a gas escape the call goes to the gas emergency service
        (functional) and the team leader is told (hierarchical). The rules for both are agreed in
        advance, in operational level agreements and supplier contracts, so nobody has to invent
        them under pressure. External organisations (999, the police, a partner control room)
        are a third kind of destination.

        The escalation contacts in incidentfolio's scoring rules:
        """)
    b.code("""
        from incidentfolio.scoring_rules import load_rules

        contacts = load_rules().contacts.values()
        for kind in ("functional", "hierarchical", "external"):
            labels = [c.label for c in contacts if c.kind == kind]
            print(f"{kind} ({len(labels)}):")
            for label in labels:
                print(f"  {label}")
        """)
    b.md("""
        ## Thresholds

        A **threshold** is a point written into the procedure at which the incident must go to a
        different level of response. Typical thresholds:

        * a risk to life or of serious injury;
        * a safety hazard (gas, carbon monoxide, electricity, a vehicle in a live lane);
        * a vulnerable person, or a safeguarding concern;
        * money being lost now, or an account compromised;
        * personal data exposed (the 72-hour clock may have started);
        * many customers affected, or a core system down (check the major-incident criteria);
        * the target time about to run out;
        * a decision or a cost beyond your authority.

        A caller demanding a manager is not, on its own, an incident threshold: follow your
        complaints or call-handling procedure.

        Each shipped practice call records its threshold, the route, who it goes to and the
        window in minutes from the start of the contact:
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.scenarios import load_scenarios
        from incidentfolio.scoring_rules import load_rules

        scenarios = load_scenarios()
        who = {c.id: c.label for c in load_rules().contacts.values()}
        for scenario_id in [
            "gas-smell-flat",
            "checkout-outage",
            "crm-slow-one-team",
            "misdirected-letter-complaint",
            "lost-card",
        ]:
            rule = scenarios[scenario_id].truth["escalation"]
            print(scenario_id)
            if rule.get("required"):
                earliest, latest = rule.get("earliest_minute", 0), rule["latest_minute"]
                if earliest:
                    window = f"between minutes {earliest} and {latest}"
                else:
                    window = f"within {latest} minutes"
                targets = ", ".join(who[t] for t in rule["to"])
                print(f"  escalate: {rule['route']} to {targets}, {window}")
            else:
                print("  no escalation needed")
            print(fill(f"threshold: {' '.join(rule['threshold'].split())}", 96,
                       initial_indent="  ", subsequent_indent="    "))
        """)
    b.md("""
        ## Too soon, too late

        * **Too soon**: escalating before first line has done what it can. The CRM running slow
          for one team has knowledge-base checks to try first; paging second line at minute two
          takes a specialist away from something that needs them, and teaches nobody anything.
        * **Too late**: holding on while the harm grows. A smell of gas goes to the emergency
          service at once; waiting for a team leader to come out of a meeting could cost a life.
        * **Wrong route**: skipping a level, or going to someone you happen to know instead of
          the route the procedure names.
        * **Undocumented**: an escalation with no recorded reason. Write who, by which route,
          when, and which threshold was crossed.

        The scorer's worked examples show each one:
        """)
    b.code(
        demo_cell(
            [
                "escalated_too_soon",
                "escalated_too_late",
                "not_escalated",
                "escalation_not_needed",
                "wrong_escalation_level",
                "escalation_without_reason",
            ]
        )
    )
    b.md("""
        ## Decision trees and their purpose

        A **decision tree** is a set of questions in a fixed order, each answer leading to the
        next question or to an action. Contact centres use them because they:

        * put the **safety questions first**, so nobody forgets them under pressure;
        * make decisions **consistent**: two advisers with the same facts reach the same
          outcome;
        * make the thresholds **visible**, so escalation is neither too early nor too late;
        * give new advisers a safe route through unfamiliar incidents;
        * leave a **record** of the route taken, which explains the decision later.

        A tree supports judgement; it does not replace it. When a call does not fit, say so and
        escalate. A skeleton triage tree:

        1. Is anyone in immediate danger? Call 999 now, make it P1, stay on the line, and tell
           your supervisor.
        2. Is there a safety hazard (gas, carbon monoxide, electricity, flood water near
           electrics, a live motorway lane)? Give safety advice, use the specialist emergency
           line, make it P1.
        3. Is a vulnerable person or a safeguarding concern involved? Go to the safeguarding lead;
           if the risk is immediate, go back to step 1.
        4. Is money being lost right now, or an account compromised? Go to the fraud team, stop
           the payment, P1 or P2.
        5. Is personal data exposed? Tell the data protection officer (the 72-hour clock may have
           started).
        6. Are many customers affected, or a core system down? Check the major-incident criteria
           and escalate hierarchically.
        7. None of these: a standard incident (log, categorise, prioritise), or route it as a
           request, enquiry or complaint.

        incidentfolio ships branching practice trees. Below is one walked along its best path:
        each step shows the situation, the options (with what is wrong with the others), the
        choice and its feedback.
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.trees import TreeRun, load_trees

        VERDICTS = {"correct": "right", "too_soon": "too soon", "too_late": "too late",
                    "wrong_route": "wrong route"}
        tree = load_trees()["major-it-outage"]
        run = TreeRun(tree)
        print(f"{tree.title}")
        print(fill(tree.summary, 96))
        for number, (_, option_id) in enumerate(tree.best_path(), start=1):
            node = run.node
            print()
            print(fill(f"Step {number}. {node.prompt}", 96, subsequent_indent="  "))
            for option in node.options:
                print(fill(f"[{VERDICTS[option.verdict]}] {option.label}", 96,
                           initial_indent="    ", subsequent_indent="      "))
            step = run.choose(option_id)
            print(fill(f"Chosen: {step.label}", 96, initial_indent="  ", subsequent_indent="    "))
            print(fill(f"Feedback: {step.feedback}", 96, initial_indent="  ", subsequent_indent="    "))
        print()
        print(f"End: {run.end.title} ({run.end.outcome}), {run.total}/{tree.best_score} points")
        """)
    b.md("""
        ## Mistakes to avoid

        * Escalating because you are unsure, before trying the first-line checks.
        * Waiting for permission when a threshold has clearly been crossed.
        * Going around the route (ringing a developer you know, or going straight to the
          regulator).
        * Escalating without writing down why.
        * Treating escalation as a personal judgement call rather than a procedure.
        """)
    b.code(
        catalogue_cell(
            [
                "m-escalation-timing",
                "m-escalation-procedure-not-followed",
                "m-not-following-escalation",
                "m-bypassing-escalation-channels",
                "mp-escalation-procedure-documented",
                "mp-escalate-by-severity",
            ]
        )
    )
    b.md("""
        ## Test yourself

        Answer the questions below, then check them: each wrong answer explains the mistake
        behind it. When you check, the result is kept in your portfolio straight away as
        knowledge evidence.
        """)
    b.widget(knowledge_check("escalation", "Check your understanding: escalation"))
    return b


# --- 5. communications and deployment --------------------------------------------------------


def communications() -> Book:
    b = Book(
        "communications_and_deployment",
        "Communications and deploying resources",
        "Voice or data and choosing the most efficient, agreed wording and codes, radio "
        "procedure and read-back, M/ETHANE and SBAR, a backup channel, and working with "
        "external organisations under JESIP.",
        50,
    )
    b.md("""
        # Communications and deploying resources

        Once you know what the incident is and how urgent, the next job is getting the right
        people moving with the right information. That is a communication task: choosing the
        channel, saying it in the agreed way and checking it was understood.

        This notebook covers communicating with external organisations (k503-0421 AC 2.1),
        choosing the most efficient channel (AC 2.2), using the agreed wording and style (AC 2.3),
        passing accurate, concise information to whoever acts (AC 1.5) and the standard wording
        and codes (AC 3.7). A short knowledge check waits at the end.
        """)
    b.md("""
        ## Voice or data?

        | | Voice (phone, radio) | Data (incident system, software alert, email, chat, SMS) |
        |---|---|---|
        | Speed | Immediate: the other person hears it now | Fast to send, but may sit unread |
        | Understanding | Checked at once by a read-back and questions | Needs an acknowledgement to prove it was read |
        | Record | Only if the call or radio is recorded; log it yourself | A written record by default |
        | Exact details | Letters and digits can be misheard: spell them | Addresses, references and numbers arrive exactly |
        | Reach | One person or one talk group at a time | Many people at once, the same words for all |

        The **most efficient channel** is the one that gets the message to the people who must
        act, fast and reliably, in a form they can use. Ask: who has to act, how quickly, what
        are they watching right now, what does the procedure say, and does the message need a
        written record? Often the answer is both: a call to alert and a data message to confirm
        the details.

        Each practice call lists its channels (the first is the main one), whether a backup is
        required and whether the critical details must be read back:
        """)
    b.code("""
        from incidentfolio.scenarios import load_scenarios

        scenarios = load_scenarios()
        for scenario_id in [
            "gas-smell-flat",
            "checkout-outage",
            "psr-oxygen-power-cut",
            "warehouse-fire-multi-agency",
            "crm-slow-one-team",
        ]:
            comms = scenarios[scenario_id].truth["comms"]
            print(scenario_id)
            print(f"  channels: {', '.join(comms['channels'])}")
            print(f"  backup channel required: {'yes' if comms.get('backup_required') else 'no'}; "
                  f"read-back required: {'yes' if comms.get('read_back_required') else 'no'}")
            print(f"  every message must include: {', '.join(comms['must_include'])}")
        """)
    b.md("""
        ## Agreed wording and codes

        Every organisation has standard wording so that a message means the same to everyone who
        hears it:

        * **Priority codes.** Commercial centres use P1 to P5. Police call handling uses grades
          such as Emergency, Priority, Scheduled and Resolution without deployment (forces vary
          in their schemes and target times).
        * **Category and closure codes** from the incident system.
        * **Call signs and procedure words** on the radio (below).
        * **Plain language with other organisations.** Your internal abbreviations mean nothing to
          the ambulance service; JESIP asks responders to avoid jargon and acronyms when agencies
          talk to each other.

        ## Radio procedure

        Call the other station first, then identify yourself: "*Alpha One Zero One, this is
        Control, over.*" Keep transmissions short, and use the procedure words:

        | Word | Meaning |
        |---|---|
        | OVER | I have finished and expect a reply |
        | OUT | The exchange is finished; no reply expected. Never "over and out". |
        | ROGER | I have received your last message (received, not agreed) |
        | WILCO | Understood and will comply (includes ROGER) |
        | SAY AGAIN | Repeat your last transmission |
        | I SAY AGAIN | I am repeating |
        | CORRECTION | I made a mistake; the right version follows |
        | I SPELL | Phonetic spelling follows |
        | FIGURES | Numbers follow |
        | WAIT / WAIT OUT | Short pause / longer pause, I will call you back |
        | READ BACK / I READ BACK | Repeat my message to me / here is my repeat |
        | AFFIRMATIVE / NEGATIVE | Yes / no |

        UK emergency services often say RECEIVED where the military would say ROGER. The shipped
        warehouse-fire call is a radio exchange with a fire crew; notice the call signs, "figures"
        before numbers and "I spell" before the postcode.
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.scenarios import load_scenarios

        call = load_scenarios()["warehouse-fire-multi-agency"]
        names = {"radio": "Alpha One Zero One", "agent": "Control"}
        for turn in call.turns:
            if turn.ask_question:
                print(fill(f"Control: {turn.ask_question}", 96, subsequent_indent="    "))
            print(fill(f"{names[turn.speaker]}: {turn.text}", 96, subsequent_indent="    "))
        """)
    b.md("""
        ## The phonetic alphabet and read-back

        Letters and digits are easy to mishear, especially on a poor line. Spell letters with the
        phonetic alphabet (ICAO/NATO; "Alfa" and "Juliett" are spelled that way on purpose), say
        digits one at a time after "figures", and use the 24-hour clock. Radio users often say
        *tree* for 3, *fow-er* for 4, *fife* for 5 and *nin-er* for 9.

        Then **read back**: repeat the address, postcode, phone number and reference to the
        other person and get them to confirm, and ask whoever receives your message to read the
        critical details back to you. That closes the loop: both sides know the message arrived
        and was understood.
        """)
    b.code("""
        import string
        from textwrap import fill

        WORDS = [
            "Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India",
            "Juliett", "Kilo", "Lima", "Mike", "November", "Oscar", "Papa", "Quebec", "Romeo",
            "Sierra", "Tango", "Uniform", "Victor", "Whiskey", "X-ray", "Yankee", "Zulu",
        ]
        PHONETIC = dict(zip(string.ascii_uppercase, WORDS, strict=True))
        DIGITS = dict(zip("0123456789", ["zero", "one", "two", "tree", "fow-er", "fife", "six",
                                         "seven", "eight", "nin-er"], strict=True))


        def spell(text):
            digits_only = text.replace(" ", "").isdigit()
            words, in_figures = [], False
            for char in text.upper():
                if char.isdigit():
                    if not in_figures:
                        words.append("figures")
                        in_figures = True
                    words.append(DIGITS[char])
                elif char in PHONETIC:
                    words.append(PHONETIC[char])
                    in_figures = False
                else:  # a space or a dash: a short pause
                    words[-1] += ","
                    in_figures = in_figures and digits_only
            return " ".join(words)


        for start in range(0, 26, 7):
            row = "  ".join(f"{letter} {PHONETIC[letter]:<9}"
                            for letter in string.ascii_uppercase[start : start + 7])
            print(row.rstrip())
        print()
        for label, value in [
            ("Postcode", "S9 1TZ"),
            ("Callback", "0114 496 0526"),
            ("Reference", "INC-20260903-0021"),
        ]:
            print(f"{label} {value}")
            print(fill(spell(value), 96, initial_indent="  ", subsequent_indent="  "))
        """)
    b.md("""
        ## M/ETHANE

        Emergency services and control rooms pass incident information in one shared order,
        **M/ETHANE** (from JESIP), so nothing is missed and every agency hears the same picture:

        | | Content |
        |---|---|
        | **M** | Major incident: declared, yes or no? ("Standby" is also used.) If none is declared, send ETHANE and keep the M under review. |
        | **E** | Exact location: address, postcode, landmark or grid reference; on roads, the direction of travel and junctions |
        | **T** | Type of incident: collision, fire, gas escape, collapse… |
        | **H** | Hazards, present and potential |
        | **A** | Access: safe routes in and out, and the rendezvous point |
        | **N** | Number, type and severity of casualties |
        | **E** | Emergency services there now, and those needed |

        Send it slowly and plainly. Here is the message the fire crew sent in the warehouse
        practice call, as the control operator should log and pass it on. Notice that
        "standby" is not a declaration, and an uncertain casualty count stays uncertain.
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.scenarios import load_scenarios

        call = load_scenarios()["warehouse-fire-multi-agency"]
        print(fill(f"{call.title} (agencies: {', '.join(call.truth['agencies'])})", 96))
        print()
        for letter, key, label in [
            ("M", "major_incident", "Major incident"),
            ("E", "exact_location", "Exact location"),
            ("T", "type", "Type"),
            ("H", "hazards", "Hazards"),
            ("A", "access", "Access"),
            ("N", "number_of_casualties", "Number of casualties"),
            ("E", "emergency_services", "Emergency services"),
        ]:
            print(fill(f"{letter}  {label}: {call.truth['methane'][key]}", 96, subsequent_indent="   "))
        """)
    b.md("""
        ## SBAR for handovers

        When you hand an incident to a supervisor or a specialist, **SBAR** keeps it short and
        complete, and it ends with a read-back:

        * **Situation**: what is happening now.
        * **Background**: the history that matters.
        * **Assessment**: what you think the problem is.
        * **Recommendation**: what you need, or propose.

        For example, handing the power-cut call for a customer on home oxygen to the welfare
        team:

        > **S**: Ref INC-20260211-0388. A Priority Services Register customer at 5 Fernleigh
        > Avenue, M20 2LP, has lost power and her oxygen concentrator has stopped.
        >
        > **B**: She is on her backup cylinder, about half full, and alone until about 21:00.
        > Power is not expected back before then.
        >
        > **A**: Her oxygen may run out before the power is back. I have told her not to use
        > candles near the oxygen and to ring 999 if her breathing gets worse.
        >
        > **R**: Please call her back within 10 minutes on 0161 496 0719 and arrange extra
        > oxygen. Can you read back the reference and number?

        ## A backup channel

        Radios have dead spots, phone lines drop and inboxes go unread. For a critical message
        have a **second route** ready (radio and phone, or a software alert and a call), and use
        it as soon as the first one fails. Record which channel carried what.

        ## Deploying resources with a reason

        Every resource you send should meet a need the incident creates: a hazard, casualties,
        a vulnerable person, a service that has failed. Record that reason. It is also worth
        knowing why the obvious alternatives were *not* sent:
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.scenarios import load_scenarios

        truth = load_scenarios()["warehouse-fire-multi-agency"].truth
        print("Deployed:")
        for resource in truth["resources"]:
            print(fill(f"{resource['label']}: {resource['why']}", 96, initial_indent="  ",
                       subsequent_indent="    "))
        print("Not deployed:")
        for option in truth["resource_options"]:
            print(fill(f"{option['label']}: {option['why_not']}", 96, initial_indent="  ",
                       subsequent_indent="    "))
        """)
    b.md("""
        ## Working with external organisations: JESIP

        When several agencies respond together, the Joint Emergency Services Interoperability
        Principles (JESIP) give five ways of working: **co-locate**, **communicate** (in plain
        language), **co-ordinate** (agree the lead agency and the priorities), **jointly
        understand risk**, and build **shared situational awareness** (M/ETHANE is part of it).

        The **Joint Decision Model** puts a shared aim at its centre (working together, saving
        lives, reducing harm) and goes round a cycle: gather information and intelligence; assess
        risks and develop a working strategy; consider powers, policies and procedures; identify
        options and contingencies; take action and review what happened. Decisions and their
        reasons go in a decision log.

        Control rooms practise **"talk, not tell"**: rather than just informing a partner
        agency, ask what it will do and when. The external organisations incidentfolio's logs can
        contact:
        """)
    b.code("""
        from incidentfolio.scoring_rules import load_rules

        for contact in load_rules().contacts.values():
            if contact.kind == "external":
                print(f"  {contact.label}")
        """)
    b.md("""
        ## What the scorer catches

        Each worked example takes a model log and makes one communication mistake.
        """)
    b.code(
        demo_cell(
            [
                "no_read_back",
                "ambiguous_message",
                "wrong_channel",
                "single_channel",
                "no_deployment_rationale",
            ],
            marks=False,
        )
    )
    b.md("""
        ## Mistakes to avoid

        * Sending a message and assuming it arrived: no read-back, no acknowledgement.
        * Vague dispatches ("gas smell at a flat, please attend") that leave out the reference,
          the exact location or the hazards.
        * One channel and no plan B.
        * Using the channel you like rather than the one the receiver is watching.
        * Internal jargon with partner agencies.
        """)
    b.code(
        catalogue_cell(
            [
                "m-no-read-back",
                "m-ambiguous-relay",
                "m-single-channel",
                "m-misusing-comms-delays",
                "mp-channels-coordinate",
                "mp-deployment-rationale",
            ]
        )
    )
    b.md("""
        ## Test yourself

        Answer the questions below, then check them: each wrong answer explains the mistake
        behind it. When you check, the result is kept in your portfolio straight away as
        knowledge evidence.
        """)
    b.widget(
        knowledge_check("communications", "Check your understanding: communications and deployment")
    )
    return b


# --- 6. law and regulation ------------------------------------------------------------------


def law() -> Book:
    b = Book(
        "law_and_regulation",
        "Law and regulation",
        "UK GDPR (lawful disclosure, verifying callers, 72-hour breach reporting), health and "
        "safety at work, FCA complaint rules and vulnerable customers, sector codes, PCI DSS on "
        "calls, and what advice you may give.",
        60,
    )
    b.md("""
        # Law and regulation in incident handling

        Rules set the limits of what you may do on an incident call: what you may disclose and
        to whom, what you must never write down, how fast some things must be reported and what
        advice you may give. You do not need to be a lawyer, but you do need to know which rule
        applies, what it asks of you, and where it changes what you do on the call.

        This notebook covers how regulation and legislation affect incident management
        (k503-0421 AC 3.2), what advice may and may not be given (AC 3.6) and the regulation
        marking point of the Principles unit. It is revision material, not legal advice: your
        organisation's policy is what you follow. Rules change, so **dated facts carry their
        date**. A short knowledge check waits at the end.
        """)
    b.md("""
        ## UK GDPR and the Data Protection Act 2018

        Seven principles govern personal data: it is used **lawfully, fairly and openly**; only
        for the **purpose** it was collected for; **no more than needed**; kept **accurate**; kept
        **no longer than needed**; kept **secure**; and the organisation can **show** it follows
        all of this (accountability).

        Every use of personal data needs one of six **lawful bases**. In an emergency, *vital
        interests* can allow you to share what is needed to protect someone's life, such as
        giving an address to the ambulance service. Health information is *special category*
        data and needs an extra condition. Check both against your organisation's policy.

        ### Lawful disclosure: verify the caller first

        * Complete identity checks (ID&V) **before** discussing an account or disclosing
          anything about it.
        * Share only what the purpose needs, and only with people entitled to it. A relative is
          not entitled to a customer's details without authority.
        * **Safety advice needs no checks.** Never hold back "leave the building" until security
          questions are passed.

        Each practice call lists the data-protection traps it sets:
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.scenarios import load_scenarios

        scenarios = load_scenarios()
        for scenario_id in ["gas-smell-flat", "password-reset", "misdirected-letter-complaint"]:
            rules = scenarios[scenario_id].truth["data_protection"]
            checks = "required" if rules["verification_required"] else "not needed first"
            print(f"{scenario_id} (identity checks {checks})")
            for trap in rules["traps"]:
                print(fill(f"- {trap}", 96, initial_indent="  ", subsequent_indent="    "))
        """)
    b.md("""
        ### Personal data breaches: the 72 hours

        A personal data breach is the loss, destruction, alteration, or unauthorised disclosure
        of or access to personal data, **including accidents** such as a letter or email sent to
        the wrong person.

        * The organisation must tell the Information Commissioner's Office (ICO) without undue
          delay and **within 72 hours of becoming aware**, unless the breach is unlikely to
          create a risk to people.
        * The 72 hours are **clock hours**: nights, weekends and bank holidays count.
        * If the risk to people is high, they are told too, without undue delay.
        * Every breach goes in the internal breach log, reported or not.
        * Telecoms and internet providers have a separate duty under PECR regulation 5A: notify
          within **24 hours**. Since February 2023 the ICO has said it will not take enforcement
          action against a provider that reports a low-risk breach within 72 hours instead.

        Your part is to spot it, contain it and pass it on **at once** through the breach route,
        out of hours too. Suppose the wrong statement is reported at 16:40 on a Friday:
        """)
    b.code("""
        from datetime import datetime, timedelta, timezone

        BST = timezone(timedelta(hours=1))
        WHEN = "%A %d %B %Y, %H:%M"
        aware = datetime(2026, 9, 4, 16, 40, tzinfo=BST)
        deadline = aware + timedelta(hours=72)
        print(f"Organisation aware:          {aware:{WHEN}}")
        print(f"ICO deadline (72 hours):     {deadline:{WHEN}}")
        print(f"PECR deadline (24 hours):    {aware + timedelta(hours=24):{WHEN}}")

        hour, weekend_hours = aware, 0
        while hour < deadline:
            weekend_hours += hour.weekday() >= 5
            hour += timedelta(hours=1)
        print(f"Hours falling on Saturday or Sunday: {weekend_hours} of 72")

        monday = datetime(2026, 9, 7, 9, 0, tzinfo=BST)
        gone = (monday - aware) / timedelta(hours=1)
        print(f"If it waits in an inbox until {monday:%A %H:%M}: {gone:.1f} hours gone, "
              f"{72 - gone:.1f} left to assess and report")
        """)
    b.md("""
        A subject access request ("send me all the data you hold on me") is different: it is a
        **service request** with a statutory clock of one month, which can be extended by two
        more months for complex requests. It is not an incident.

        The scorer's worked examples: personal data given to a caller who never passed identity
        checks, and a card security code written into the notes.
        """)
    b.code(demo_cell(["pd_disclosed_unverified", "sensitive_data_recorded"]))
    b.md("""
        ## Health and Safety at Work etc. Act 1974

        * **Section 2**: the employer must ensure, so far as is reasonably practicable, the
          health, safety and welfare of employees: safe systems of work, information, training,
          supervision and a written safety policy.
        * **Section 3**: duties to people who are not employees, such as visitors and the public.
        * **Section 7**: employees must take reasonable care of themselves and others, and
          co-operate with their employer.

        In a contact centre this is why there is a policy for abusive or threatening callers,
        support for staff after traumatic calls, and a fire evacuation in which you leave at
        once without finishing the call. Other rules also apply (the Regulatory Reform (Fire
        Safety) Order 2005, RIDDOR 2013, the Display Screen Equipment Regulations); check their
        detail in your organisation's policy.

        ## Complaints: FCA DISP, Ofcom and sector codes

        Financial services complaints follow the FCA's **DISP** rules:

        * acknowledge promptly and keep the complainant informed;
        * by the end of **8 weeks**, send a final response or a holding reply explaining the
          delay;
        * the final response accepts the complaint (with redress), offers redress without
          accepting it, or rejects it with reasons, and always explains the right to go to the
          Financial Ombudsman Service (FOS);
        * the customer then has **6 months** to refer it to the FOS;
        * a complaint resolved by the close of the **third business day** after it was received
          can be closed with a shorter *summary resolution communication*.

        Other sectors have their own codes. Telecoms providers must follow an Ofcom-approved
        complaints code and send a letter offering free alternative dispute resolution at
        deadlock or after 8 weeks, whichever is first. Energy complaints also reach an ombudsman
        after 8 weeks; check the current rules for your sector. The dates for the shipped
        refund complaint (bank holidays are ignored here):
        """)
    b.code("""
        import calendar
        from datetime import date, timedelta

        from incidentfolio.scenarios import load_scenarios

        DAY = "%A %d %B %Y"


        def add_business_days(start, count):
            day = start
            while count:
                day += timedelta(days=1)
                count -= day.weekday() < 5
            return day


        def add_months(start, months):
            month = start.month - 1 + months
            year, month = start.year + month // 12, month % 12 + 1
            return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


        scenarios = load_scenarios()
        received = date.fromisoformat(scenarios["refund-complaint"].model_log["received_at"][:10])
        final = received + timedelta(weeks=8)
        print(f"Complaint received:                      {received:{DAY}}")
        print(f"Summary resolution possible until close: {add_business_days(received, 3):{DAY}}")
        print(f"Final response or holding reply by:      {final:{DAY}}")
        print(f"FOS referral possible until:             {add_months(final, 6):{DAY}}")
        print("  (6 months from the final response, if it is sent on the last day)")
        print()
        sar = date.fromisoformat(scenarios["subject-access-request"].model_log["received_at"][:10])
        print(f"Subject access request received {sar:{DAY}}: respond by {add_months(sar, 1):{DAY}}")
        """)
    b.md("""
        ## Vulnerable customers: FCA FG21/1 (February 2021)

        The FCA's guidance describes a **vulnerable customer** as someone whose circumstances
        make them especially likely to suffer harm, particularly when a firm does not take enough
        care. It names four drivers:

        * **Health**: physical or mental conditions, including illness and disability.
        * **Life events**: bereavement, job loss, a new baby, a relationship ending.
        * **Resilience**: little ability to withstand a financial or emotional shock.
        * **Capability**: low knowledge of or confidence with money or digital services, or
          literacy or language barriers.

        Firms are expected to understand their customers' needs, give staff the skills to notice
        and respond, act on it in products, service and communications, and check the outcomes.
        Record vulnerability only with a lawful basis (and consent where appropriate), and share
        it only with those who act on it. Energy and water companies keep a **Priority Services
        Register** for customers who need extra help, for example those who rely on powered
        medical equipment. The FCA's Consumer Duty (2023) also applies to financial firms; check
        its detail.
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.scenarios import load_scenarios

        scenarios = load_scenarios()
        for scenario_id in ["psr-oxygen-power-cut", "app-scam-safe-account", "elder-financial-abuse",
                            "gas-smell-flat"]:
            vulnerability = scenarios[scenario_id].truth["vulnerability"]
            drivers = ", ".join(d.replace("_", " ") for d in vulnerability["drivers"])
            print(fill(f"{scenario_id} [{drivers}]: {vulnerability['note']}", 96,
                       subsequent_indent="    "))
        """)
    b.md("""
        ## PCI DSS: card payments on calls

        The card security code (CVV2, CVC2 or CID) must **never be stored** after the payment is
        authorised, not even encrypted, and the Payment Card Industry Security Standards Council
        treats a searchable call recording as storage. So:

        * never write card numbers or security codes in notes or logs;
        * *pause and resume* recording while card details are given is better than nothing, but
          manual pausing is easy to get wrong, and it only covers the recording;
        * better still, **DTMF masking** or a secure IVR payment line means the agent never hears
          the card details at all.

        Some regulated firms must also record and keep certain calls; the payment process has to
        be designed so the two duties do not clash. The scoring rules look for card numbers
        (only digit runs that pass the card checksum) and security codes:
        """)
    b.code("""
        from incidentfolio.scoring_rules import load_rules

        patterns = load_rules().sensitive_data
        for note in [
            "Engineer fee paid with card 4111 1111 1111 1111.",
            "Caller read out the CVV 123 before I could stop her.",
            "Ref INC-20260314-0042, callback 0113 496 0871.",
            "Fee paid through the secure payment line; card details not heard.",
        ]:
            found = [p.label for p in patterns if p.found_in(note)]
            print(note)
            print(f"  -> {', '.join(found) if found else 'nothing that must stay out of a log'}")
        """)
    b.md("""
        ## What advice you may and may not give

        **You may**, following your procedure and scripts:

        * give safety advice from the approved script or knowledge base;
        * explain what happens next, the process and its time limits;
        * signpost to the right service: 999 or 112; the gas emergency line 0800 111 999
          (Northern Ireland 0800 002 001); 105 for a power cut; 159 to reach your bank; Floodline
          0345 988 1188; National Highways 0300 123 5000; Report Fraud 0300 123 2040.

        **You may not**:

        * give medical, legal or financial advice beyond your script or competence;
        * promise outcomes that are not yours to decide (compensation, a deal price, when a fix
          will land);
        * promise to keep a safeguarding disclosure secret;
        * suggest anything that adds risk (switching on a fan during a gas escape, going back
          into a smoke-filled building).

        Each practice call lists advice that must be given and advice that must not:
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.scenarios import load_scenarios

        scenarios = load_scenarios()
        for scenario_id in ["gas-smell-flat", "escape-of-water-insurer", "refund-complaint"]:
            advice = scenarios[scenario_id].truth["advice"]
            print(scenario_id)
            for label, key in [("give", "must_give"), ("never", "must_not_give")]:
                for item in advice[key]:
                    print(fill(f"{label}: {item['text']}", 96, initial_indent="  ",
                               subsequent_indent="    "))
        """)
    b.code(demo_cell(["safety_advice_missing", "advice_not_allowed"]))
    b.md("""
        ## Dated facts

        | Date | Change |
        |---|---|
        | February 2021 | FCA publishes FG21/1, its guidance on the fair treatment of vulnerable customers |
        | February 2023 | The ICO says telecoms and internet providers that report a low-risk breach within 72 hours, rather than PECR's 24, will not face enforcement action |
        | 4 December 2025 | **Report Fraud** (0300 123 2040) replaces Action Fraud as the fraud and cyber-crime reporting service for England, Wales and Northern Ireland; in Scotland, report to Police Scotland on 101 |

        Which service you signpost depends on the **date** of the call, so a log from November
        2025 that mentions Action Fraud was right at the time. The shipped practice calls are
        set in 2026:
        """)
    b.code("""
        from datetime import date

        from incidentfolio.scenarios import load_scenarios

        REPORT_FRAUD_FROM = date(2025, 12, 4)


        def fraud_reporting(day, nation):
            if nation == "Scotland":
                return "Police Scotland on 101"
            return "Report Fraud, 0300 123 2040" if day >= REPORT_FRAUD_FROM else "Action Fraud"


        scenarios = load_scenarios()
        calls = [("an older log from Leeds", date(2025, 11, 20), "England"),
                 ("an older log from Glasgow", date(2025, 11, 20), "Scotland")]
        for scenario_id in ["account-takeover", "ransomware-popup"]:
            day = date.fromisoformat(scenarios[scenario_id].model_log["received_at"][:10])
            calls.append((f"{scenario_id} (England)", day, "England"))
        for label, day, nation in calls:
            print(f"{label:<30} {day:%d %b %Y}: signpost {fraud_reporting(day, nation)}")
        """)
    b.md("""
        ## Mistakes to avoid

        * Disclosing account details before identity checks, or to someone not entitled.
        * Holding back safety advice until security checks are done.
        * Treating the 72 hours as working hours, or leaving a breach in an inbox over the
          weekend.
        * Writing card details into a log, or letting them be recorded.
        * Promising compensation, outcomes or secrecy.
        * Quoting an out-of-date rule or number: check the date.
        """)
    b.code(
        catalogue_cell(
            [
                "mp-data-protection",
                "mp-policies-regulation",
                "mp-identify-type-impact",
            ]
        )
    )
    b.md("""
        ## Test yourself

        Answer the questions below, then check them: each wrong answer explains the mistake
        behind it. When you check, the result is kept in your portfolio straight away as
        knowledge evidence.
        """)
    b.widget(knowledge_check("law", "Check your understanding: law and regulation"))
    return b


# --- 7. managing escalated incidents --------------------------------------------------------


def escalated() -> Book:
    b = Book(
        "escalated_incidents",
        "Managing escalated incidents",
        "Take an escalated incident to closure and follow-up, support colleagues after "
        "difficult incidents, run a blameless post-incident review and turn its findings into "
        "actions that get done.",
        70,
    )
    b.md("""
        # Managing escalated incidents

        At Level 3 you are the person incidents are escalated **to**. You keep the whole
        incident in view from the moment it reaches you until the people affected are satisfied
        and the lessons have changed something. You also look after the colleagues who handled
        the difficult part.

        This notebook covers the escalated-incidents unit: taking an incident through to
        resolution (LO1), escalating by severity (LO2), supporting colleagues (LO3) and reviewing
        incidents to improve the service (LO4), plus following up review actions (Level 4/5).
        A short knowledge check waits at the end.
        """)
    b.md("""
        ## The whole lifecycle, as the owner

        1. **Receive and confirm.** Is this really an incident, or a request or complaint sent up
           the wrong way? Confirm the priority.
        2. **Coordinate.** Know who is doing what, and chase when a target time is at risk.
        3. **Keep people informed.** Agree at the start who needs updates and how often, then
           keep to it, even when there is no news.
        4. **Resolve and recover.** Confirm the fix with the resolving team.
        5. **Follow up.** Check with the reporter and the other stakeholders that the outcome is
           what they needed. Only then close, with a closure code.
        6. **Review**, and make sure the actions from it happen.

        The checkout outage on Black Friday, from the shipped practice calls, was left
        *Escalated*. Below it is taken on to closure: the fix is confirmed, agents and the
        customer are told, and the customer confirms before it is closed.
        """)
    b.code("""
        from incidentfolio.incident_log import check_log
        from incidentfolio.scenarios import load_scenarios
        from incidentfolio.scoring import apply_changes, score

        outage = load_scenarios()["checkout-outage"]
        ref = outage.model_log["reference"]


        def at(hhmm):
            return f"2026-11-27T{hhmm}:00+00:00"


        restored = {"at": at("09:40"), "text": "Major incident manager confirms checkout is back."}
        agents = {"at": at("09:45"), "to": "frontline_agents", "channel": "chat",
                  "text": f"{ref}: checkout restored at 09:40; holding script withdrawn."}
        customer = {"at": at("10:05"), "to": "reporter", "channel": "email",
                    "text": f"{ref}: checkout works again; the customer confirms her order went through."}
        closure = {"code": "Service restored", "at": at("10:10"), "confirmed_with_reporter": True}
        closed = apply_changes(outage.model_log, [
            {"append": "actions", "value": restored},
            {"append": "status_history", "value": {"status": "Resolved", "at": at("09:40")}},
            {"append": "messages", "value": agents},
            {"append": "messages", "value": customer},
            {"append": "status_history", "value": {"status": "Closed", "at": at("10:10")}},
            {"set": "status", "value": "Closed"},
            {"set": "closure", "value": closure},
        ])
        for change in closed["status_history"]:
            print(f"{change['at'][11:16]}  {change['status']}")
        print(f"Closure: {closed['closure']['code']}, confirmed with the reporter: "
              f"{'yes' if closed['closure']['confirmed_with_reporter'] else 'no'}")
        report = score(outage, closed)
        print(f"Log problems: {len(check_log(closed))}; score {report.total}/{report.max}; "
              f"findings: {len(report.findings)}")
        """)
    b.md("""
        ### Did the stakeholders hear in time?

        The scenario says who had to be told and how soon. Checking the log against that plan is
        part of owning the incident:
        """)
    b.code("""
        from datetime import datetime
        from textwrap import fill

        start = datetime.fromisoformat(closed["received_at"])
        for duty in outage.truth["notify"]:
            sent = [datetime.fromisoformat(m["at"]) for m in closed["messages"] if m["to"] == duty["who"]]
            if sent:
                minutes = int((min(sent) - start).total_seconds() // 60)
                verdict = "met" if minutes <= duty["within_minutes"] else "MISSED"
                told = f"first told at minute {minutes}"
            else:
                verdict, told = "MISSED", "never told"
            print(f"{duty['who']}: due within {duty['within_minutes']} min, {told}: {verdict}")
            print(fill(f"why: {duty['why']}", 96, initial_indent="  ", subsequent_indent="    "))
        """)
    b.md("""
        ## Supporting colleagues after difficult incidents

        A threatening caller, a disclosure of abuse, a caller who collapses: these stay with the
        person who took the call. Support that works pairs warmth with **practical action inside
        the process**:

        * **Straight away**: acknowledge how they feel, take them off the queue for a short
          break, and check they are safe to carry on.
        * **Debrief**: a short, structured conversation. What happened, what went well, what is
          still outstanding, how they are.
        * **Help finish the work**: complete the log and the referral together, so nothing is
          left hanging.
        * **Coaching** where it helps: side-by-side listening, call reviews, role-play for the
          next hard call.
        * **Route to further support**: the employee assistance programme or occupational health.
        * **Check in later** in the shift and the next day.

        This is also a legal duty: the Health and Safety at Work Act covers employees' welfare,
        not only their physical safety. Sympathy alone ("you'll feel better tomorrow") is kind,
        but it leaves the colleague shaken, back on the queue, with an unfinished record. The
        safeguarding practice tree ends with exactly this choice:
        """)
    b.code("""
        from textwrap import fill

        from incidentfolio.trees import load_trees

        node = load_trees()["safeguarding-concern"].nodes["colleague"]
        print(fill(node.prompt, 96))
        for option in node.options:
            print()
            verdict = "best choice" if option.verdict == "correct" else option.verdict.replace("_", " ")
            print(fill(f"[{verdict}] {option.label}", 96, initial_indent="  ", subsequent_indent="    "))
            print(fill(option.feedback, 96, initial_indent="    ", subsequent_indent="    "))
            if option.misconception:
                print(f"    shows: {option.misconception}")
        """)
    b.md("""
        ## The post-incident review

        Hold the review soon after the incident is resolved (within 48 hours is often
        suggested), and make it **blameless**: ask *what failed?*, not *who failed?* People who
        fear blame hide the details that explain what went wrong.

        A review covers:

        1. a summary and the impact (customers, service levels, regulatory, reputational);
        2. a timeline of facts only, with times and where each fact came from;
        3. how the incident was detected, and how long that took;
        4. the response: what worked and what did not;
        5. the root cause and contributing causes;
        6. actions, each with an owner and a due date;
        7. lessons learned;
        8. a follow-up check that the actions were done.

        ### 5 whys

        Ask "why?" about each answer, roughly five times, until you reach a cause in a process
        or system that you can fix, not a person to blame. Here it is for the banking-app outage
        in the major-incident practice tree:
        """)
    b.code("""
        from textwrap import fill

        problem = "Customers could not log in to the banking app from 08:30 to 11:10 on a Monday."
        whys = [
            ("Why did logins fail?", "The login service's security certificate had expired."),
            ("Why had it expired?", "Nobody renewed it before its expiry date."),
            ("Why was it not renewed?", "The renewal reminder went to an engineer who had left."),
            ("Why did the reminder go to one person?",
             "Certificates are registered to whoever set them up, not to a team."),
            ("Why is there no team owner?",
             "No process covers the certificate list, renewals or expiry monitoring."),
        ]
        print(fill(f"Problem: {problem}", 96))
        for number, (question, answer) in enumerate(whys, start=1):
            print(f"  {number}. {question}")
            print(fill(answer, 96, initial_indent="     -> ", subsequent_indent="        "))
        print(fill("Root cause (a process, not a person): certificates have no owning team and "
                   "no monitored renewal process.", 96))
        """)
    b.md("""
        ### A fishbone diagram

        A fishbone (Ishikawa) diagram puts the problem at the head and groups possible causes
        on the bones, so the review looks wider than the first cause it finds. Manufacturing
        uses the "6 Ms"; a contact-centre version uses People, Process, Technology, Policy,
        Environment and Measurement. Run 5 whys along any bone that looks important.
        """)
    b.code(r"""
        head = "LOGINS FAIL"
        bones = {
            "People": ["reminder to a leaver", "no cover for renewals"],
            "Process": ["no renewal procedure", "not in change calendar"],
            "Technology": ["no expiry monitoring", "one cert, no fallback"],
            "Policy": ["shared certs unowned", "no review of leavers"],
            "Environment": ["Monday peak demand", "team reorganised"],
            "Measurement": ["no login-failure alert", "status page manual"],
        }
        WIDTH = 28
        names = list(bones)
        top, bottom = names[:3], names[3:]
        rows = range(len(bones["People"]))


        def line(cells):
            print("".join(cell.ljust(WIDTH) for cell in cells).rstrip())


        print("Problem at the head: app logins failed for all customers, 08:30 to 11:10.")
        print()
        line(top)
        for row in rows:
            line(f"{' ' * (row + 1)}\\ {bones[name][row]}" for name in top)
        line(f"{' ' * (len(rows) + 1)}\\" for _ in top)
        print("=" * (WIDTH * 3) + "> " + head)
        line(f"{' ' * (len(rows) + 1)}/" for _ in bottom)
        for row in reversed(rows):
            line(f"{' ' * (row + 1)}/ {bones[name][row]}" for name in bottom)
        line(bottom)
        """)
    b.md("""
        ## From findings to actions, and following them up

        A finding only helps if it becomes an **action** that someone does. Each action needs:

        * a specific change ("alert the owning team 30 days before any certificate expires"),
          never an intention ("be more careful" is not an action);
        * a named **owner** and a **due date**;
        * a way to tell it worked.

        Then someone **follows up**: at the agreed date, check each action, chase the overdue
        ones, and close an action only with evidence that it was done and that it worked. Feed
        the findings into problem management and trend analysis, so the same cause is spotted if
        it comes back.

        A simple check of an action list on the follow-up date:
        """)
    b.code("""
        from datetime import date

        FOLLOW_UP = date(2026, 10, 15)
        VAGUE = ("be more careful", "try harder", "pay more attention")
        actions = [
            {"action": "Register every certificate with an owning team", "owner": "Platform lead",
             "due": "2026-09-30", "done": True},
            {"action": "Alert the owning team 30 days before any certificate expires",
             "owner": "Monitoring team", "due": "2026-10-09", "done": False},
            {"action": "Page the service desk when login failures pass 5 %", "owner": "",
             "due": "2026-10-31", "done": False},
            {"action": "Engineers to be more careful with certificates", "owner": "IT",
             "due": "", "done": False},
            {"action": "Holding-script template for app outages", "owner": "Contact centre manager",
             "due": "2026-10-02", "done": True},
        ]
        print(f"Follow-up on {FOLLOW_UP:%d %B %Y}")
        for item in actions:
            problems = []
            if any(phrase in item["action"].lower() for phrase in VAGUE):
                problems.append("not an action: say what will change")
            if not item["owner"]:
                problems.append("needs an owner")
            if not item["due"]:
                problems.append("needs a due date")
            if item["done"]:
                state = "done: check the evidence that it worked"
            elif item["due"] and date.fromisoformat(item["due"]) < FOLLOW_UP:
                state = "OVERDUE: chase the owner"
            else:
                state = f"open, due {item['due']}" if item["due"] else "open"
            print(f"- {item['action']}")
            print(f"    {state}" + (f"; {'; '.join(problems)}" if problems else ""))
        """)
    b.md("""
        ## Mistakes to avoid

        * Closing as soon as the fix is in, without checking the people affected are satisfied.
        * Going quiet when there is no news: stakeholders still need the update.
        * Offering a shaken colleague only sympathy, with no debrief, break or practical help.
        * Reviews that look for someone to blame.
        * Review actions with no owner, no date, or nobody checking they were done.

        The scorer's worked examples for two of these, then the catalogue:
        """)
    b.code(demo_cell(["closed_without_confirmation", "stakeholder_not_updated"]))
    b.code(
        catalogue_cell(
            [
                "m-emotional-not-practical-support",
                "mp-support-colleague",
                "m-no-follow-up",
                "m-stakeholders-not-updated",
                "m-pir-actions-not-followed-up",
                "mp-review-prevent-recurrence",
            ]
        )
    )
    b.md("""
        ## Test yourself

        Answer the questions below, then check them: each wrong answer explains the mistake
        behind it. When you check, the result is kept in your portfolio straight away as
        knowledge evidence.
        """)
    b.widget(
        knowledge_check(
            "escalated-incidents", "Check your understanding: managing escalated incidents"
        )
    )
    return b


BOOKS = [incidents, logging_basics, prioritising, escalation, communications, law, escalated]


def main(args: list[str], makers: list | None = None) -> int:
    """Write the notebooks ``makers`` build (default: these seven); ARGS picks some by name."""
    books = [make() for make in (makers or BOOKS)]
    wanted = {Path(a).stem for a in args}
    unknown = wanted - {b.name for b in books}
    if unknown:
        print(f"unknown notebook(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    for book in books:
        if wanted and book.name not in wanted:
            continue
        nb = book.build()
        nbformat.validate(nb)
        path = NOTEBOOKS / f"{book.name}.ipynb"
        nbformat.write(nb, path)
        print(f"wrote {path.relative_to(NOTEBOOKS.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
