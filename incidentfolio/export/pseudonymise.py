"""Pseudonymising personal data for an evidence bundle.

Callers' names, phone numbers, e-mail addresses, postcodes, addresses and similar are
replaced by placeholders such as ``[CALLER-1]`` and ``[PHONE-2]``. A value gets the same
placeholder everywhere in one bundle (``0113 496 0871`` and ``+44 113 496 0871`` are one
phone number), so an assessor can still follow who is who.

Two sources find what to replace:

* the structured fields that hold personal data: an incident log's ``caller.name``,
  ``caller.callback_number``, ``location.text``, ``location.postcode`` and
  ``location.grid_ref``, a witness's ``witness_name`` and ``witness_contact``, an observer's
  or discussion assessor's name. Each value is then replaced wherever it appears (also its
  single name parts, so "Ms Whitfield" becomes "Ms [CALLER-1]");
* the detectors the store's lint uses (:mod:`incidentfolio.lint`): titled names ("Mrs
  Khan"), UK phone numbers, e-mail addresses, UK postcodes, NHS-number-like and
  payment-card-like numbers, plus house-number-and-street addresses and ///what3words.

Call :meth:`Pseudonymiser.learn_item` and :meth:`Pseudonymiser.learn_text` on everything
first, then :meth:`Pseudonymiser.text` (or :meth:`data`, :meth:`notebook`) to replace. The
names in ``keep`` (the candidate's own, and the assessor named in the profile) are kept.
A name written without a title and held in no structured field cannot be found.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from incidentfolio.lint import (
    _CARD_LIKE,
    _EMAIL,
    _NHS_LIKE,
    _POSTCODE,
    _TITLED_NAME,
    luhn_ok,
    nhs_number_ok,
)

PLACEHOLDER = re.compile(r"\[[A-Z]+(?:-[A-Z]+)*-\d+\]")
TITLES = frozenset({"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir", "Dame", "Lady", "Lord"})
STREET_WORDS = (
    "Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Court|Ct|Crescent|Place|Way|Gardens|"
    "Terrace|Grove|View|Walk|Row|Square|Hill|Mews|Rise|Parade|Park|Green|Vale|Wharf|Yard|"
    "Cottages|House|Flats|Buildings"
)
# "14 Wren Court", "22a Harrow Lane", "Flat 3, 9 Mill Road"
_STREET_ADDRESS = re.compile(
    r"(?<![\w-])(?:(?:Flat|Apartment|Unit)\s+\w+,?\s+)?\d{1,4}[A-Za-z]?,?\s+"
    r"(?:[A-Z][A-Za-z'’-]+\s+){1,3}(?:" + STREET_WORDS + r")\b"
)
_HAS_STREET_WORD = re.compile(r"\b(?:" + STREET_WORDS + r")\b")
# Words of a street name too common to replace on their own ("High" of "High Street").
_COMMON_STREET_PARTS = frozenset({
    "The", "Old", "New", "North", "South", "East", "West", "Upper", "Lower", "Great", "Little",
    "High", "Low", "Long", "Main", "Church", "Station", "Market", "Park", "Green", "Bridge",
    "Mill", "Water", "King", "Kings", "Queen", "Queens", "London", "Road", "Street", "Lane",
    "Hill", "Castle", "School", "Manor", "Farm", "Grange", "Victoria", "Albert", "York",
})  # fmt: skip
_W3W = re.compile(r"///[a-z]+\.[a-z]+\.[a-z]+", re.IGNORECASE)
_UK_MOBILE = re.compile(r"(?<![\d+])(?:\+44\s?7|\(?07)\d{3}\)?[\s-]?\d{3}[\s-]?\d{3}(?!\d)")
# The lint's titled name ("Mrs Khan"), taking a second capitalised word too ("Dr Priya Shah").
_TITLED = re.compile(_TITLED_NAME.pattern + r"(?:[ \t]+[A-Z][A-Za-z'’-]+)?")
_TITLE_PART = re.compile(r"^\S+?\.?[ \t]+")
_TITLE_WORD = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\b")
_DIGIT = re.compile(r"\d")
_BINARY_MIMES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})

# Which placeholder family a kind of value belongs to: one numbering per family, so a person
# who is a caller in one item and named in another keeps one placeholder.
_FAMILY = {"CALLER": "name", "WITNESS": "name", "PERSON": "name"}


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _name_tokens(name: str) -> list[str]:
    """The parts of a name worth replacing on their own: capitalised, two letters or more."""
    out = []
    for part in re.split(r"[\s,]+", name):
        part = part.strip(".'’")
        for piece in {part, *part.split("-")}:
            if len(piece) >= 2 and piece[:1].isupper() and piece not in TITLES:
                out.append(piece)
    return out


def phone_key(text: str) -> str | None:
    """A UK-default phone number as E.164 (``+441134960871``), or None if it is not one."""
    import phonenumbers

    try:
        number = phonenumbers.parse(text, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Pseudonymiser:
    """Stable placeholders for the personal data in one bundle."""

    def __init__(self, keep: Iterable[str] = ()) -> None:
        kept = [k for k in keep if k and k.strip()]
        self._keep_names = {_squash(k) for k in kept}
        self._keep_tokens = {t for k in kept for t in _name_tokens(k)}
        self._placeholders: dict[tuple[str, str], str] = {}
        self._issued: Counter[str] = Counter()
        self._phrases: dict[str, tuple[str, str]] = {}  # pattern → (placeholder, literal)
        self._tokens: dict[str, str] = {}  # exact-case name part → placeholder
        self._phrase_re: re.Pattern[str] | None = None
        self._token_re: re.Pattern[str] | None = None
        self.replacements = 0

    # --- what was replaced -------------------------------------------------------------
    @property
    def issued(self) -> dict[str, int]:
        """How many distinct values of each kind got a placeholder (``{"PHONE": 3}``)."""
        return dict(sorted(self._issued.items()))

    def summary(self) -> str:
        """``4 values (2 CALLER, 2 PHONE) replaced 9 times``, or ``no personal data found``."""
        if not self._issued:
            return "no personal data found"
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.issued.items())
        total = sum(self._issued.values())
        return (
            f"{total} value{'s' if total != 1 else ''} ({kinds}) replaced {self.replacements} times"
        )

    # --- registering values --------------------------------------------------------------
    def placeholder(self, kind: str, key: str) -> str:
        """The placeholder for a value of ``kind`` whose normalised form is ``key``."""
        family = _FAMILY.get(kind, kind)
        found = self._placeholders.get((family, key))
        if found is None:
            self._issued[kind] += 1
            found = f"[{kind}-{self._issued[kind]}]"
            self._placeholders[(family, key)] = found
        return found

    def _add_phrase(self, pattern: str, placeholder: str, literal: str) -> None:
        if pattern not in self._phrases:
            self._phrases[pattern] = (placeholder, literal)
            self._phrase_re = None

    def _kept(self, name: str) -> bool:
        return _squash(name) in self._keep_names

    def register_name(self, kind: str, name: object) -> None:
        """A person's name from a structured field: the whole name and each of its parts."""
        if not isinstance(name, str) or not name.strip() or self._kept(name):
            return
        if PLACEHOLDER.fullmatch(name.strip()):
            return
        ph = self.placeholder(kind, _squash(name))
        self._add_phrase(_words_pattern(name), ph, name)
        for token in _name_tokens(name):
            if token not in self._keep_tokens and token not in self._tokens:
                self._tokens[token] = ph
                self._token_re = None

    def register_phone(self, number: object) -> None:
        """A phone number from a structured field, in whatever format it was written."""
        if not isinstance(number, str) or not any(ch.isdigit() for ch in number):
            return
        digits = re.sub(r"\D", "", number)
        if len(digits) < 6:
            return
        ph = self.placeholder("PHONE", phone_key(number) or digits)
        self._add_phrase(r"(?<!\d)" + r"[\s().-]*".join(digits) + r"(?!\d)", ph, number)

    def register_email(self, address: object) -> None:
        """An e-mail address from a structured field."""
        if isinstance(address, str) and "@" in address:
            ph = self.placeholder("EMAIL", address.strip().casefold())
            self._add_phrase(re.escape(address.strip()), ph, address)

    def register_contact(self, value: object) -> None:
        """A contact field: an e-mail address or a phone number."""
        if isinstance(value, str) and "@" in value:
            self.register_email(value)
        else:
            self.register_phone(value)

    def register_postcode(self, postcode: object) -> None:
        """A postcode from a structured field, found with or without its space."""
        if not isinstance(postcode, str) or not postcode.strip():
            return
        squashed = re.sub(r"\s+", "", postcode).upper()
        ph = self.placeholder("POSTCODE", squashed)
        if len(squashed) > 3:
            pattern = re.escape(squashed[:-3]) + r"\s*" + re.escape(squashed[-3:])
        else:
            pattern = re.escape(squashed)
        self._add_phrase(r"(?<![A-Za-z0-9])" + pattern + r"(?![A-Za-z0-9])", ph, postcode)

    def register_address(self, address: object) -> None:
        """A free-text address: the whole of it and the parts that name a house or street."""
        if not isinstance(address, str) or not address.strip():
            return
        ph = self.placeholder("ADDRESS", _squash(address))
        self._add_phrase(_words_pattern(address), ph, address)
        for fragment in re.split(r"[,;\n]", address):
            fragment = fragment.strip()
            if not fragment or len(fragment) < 4:
                continue
            street = _HAS_STREET_WORD.search(fragment) is not None
            if street or any(ch.isdigit() for ch in fragment):
                self._add_phrase(_words_pattern(fragment), ph, fragment)
            bare = re.sub(r"^(?:(?:Flat|Apartment|Unit)\s+\w+\s+)?\d+[A-Za-z]?\s+", "", fragment)
            if street and bare != fragment and len(bare.split()) >= 2:
                self._add_phrase(_words_pattern(bare), ph, bare)
                # the street's own name ("Wren" of "Wren Court"), when it is distinctive
                for word in bare.split()[:-1]:
                    if (len(word) >= 3 and word[:1].isupper() and word.isalpha()
                            and word not in _COMMON_STREET_PARTS and word not in self._keep_tokens
                            and word not in self._tokens):  # fmt: skip
                        self._tokens[word] = ph
                        self._token_re = None

    def register_literal(self, kind: str, value: object) -> None:
        """Any other identifying value (a grid reference, a ///what3words address)."""
        if isinstance(value, str) and value.strip():
            ph = self.placeholder(kind, _squash(value))
            self._add_phrase(_words_pattern(value), ph, value)

    # --- learning from evidence ------------------------------------------------------------
    def learn_item(self, item_type: str, body: object) -> None:
        """Register the personal data held in an item's structured fields."""
        if not isinstance(body, dict):
            return
        if item_type == "incident_log":
            caller = body.get("caller")
            if isinstance(caller, dict):
                self.register_name("CALLER", caller.get("name"))
                self.register_phone(caller.get("callback_number"))
            location = body.get("location")
            if isinstance(location, dict):
                self.register_postcode(location.get("postcode"))
                self.register_address(location.get("text"))
                self.register_literal("GRIDREF", location.get("grid_ref"))
        elif item_type == "witness_testimony":
            self.register_name("WITNESS", body.get("witness_name"))
            self.register_contact(body.get("witness_contact"))
        elif item_type == "observation":
            self.register_name("PERSON", body.get("observer_name"))
        elif item_type == "professional_discussion":
            self.register_name("PERSON", body.get("assessor_name"))

    def learn_text(self, text: object) -> None:
        """Register the titled names ("Mrs Khan") in free text, so their bare use is found too."""
        if not isinstance(text, str) or not text:
            return
        for match in _TITLED.finditer(text):
            name = _TITLE_PART.sub("", match.group(0))
            if self._kept(name):
                continue
            parts = [p for p in _name_tokens(name) if p not in self._keep_tokens]
            if not parts:
                continue
            known = next((self._tokens[p] for p in parts if p in self._tokens), None)
            ph = known or self.placeholder("PERSON", _squash(parts[-1]))
            for part in parts:
                if part not in self._tokens:
                    self._tokens[part] = ph
                    self._token_re = None

    def learn_data(self, value: object) -> None:
        """:meth:`learn_text` on every string inside ``value``."""
        for text in _strings(value):
            self.learn_text(text)

    # --- replacing -----------------------------------------------------------------------
    def text(self, text: str) -> str:
        """``text`` with every personal-data value found replaced by its placeholder."""
        if not isinstance(text, str) or not text:
            return text
        if self._phrases:
            text = self._outside(self._phrase_pattern(), self._phrase_sub, text)
        if self._tokens:
            text = self._outside(self._token_pattern(), lambda m: self._tokens[m.group(0)], text)
        if "@" in text:
            text = self._outside(
                _EMAIL, lambda m: self.placeholder("EMAIL", m.group(0).casefold()), text
            )
        if "///" in text:
            text = self._outside(
                _W3W, lambda m: self.placeholder("GRIDREF", m.group(0).casefold()), text
            )
        if _DIGIT.search(text):  # every other detector needs a digit
            text = self._outside(_NHS_LIKE, self._nhs_sub, text)
            text = self._outside(_CARD_LIKE, self._card_sub, text)
            text = self._phones(text)
            text = self._outside(_UK_MOBILE, self._mobile_sub, text)
            text = self._outside(
                _STREET_ADDRESS, lambda m: self.placeholder("ADDRESS", _squash(m.group(0))), text
            )
            text = self._outside(_POSTCODE, self._postcode_sub, text)
        if _TITLE_WORD.search(text):
            text = self._outside(_TITLED, self._titled_sub, text)
        return text

    def data(self, value: Any) -> Any:
        """A copy of JSON-like ``value`` with every string pseudonymised (keys kept)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v) for v in value]
        return value

    def notebook(self, nb: Any) -> Any:
        """A copy of a notebook (as JSON data) with its text pseudonymised.

        Base64 image data in outputs and cell attachments is left as it is (replacing
        inside it would only corrupt the image); cell ids are kept.
        """
        if not isinstance(nb, dict):
            return self.data(nb)
        out = {k: (v if k in ("nbformat", "nbformat_minor") else self.data(v))
               for k, v in nb.items() if k != "cells"}  # fmt: skip
        cells = nb.get("cells")
        if isinstance(cells, list):
            out["cells"] = [self._cell(c) for c in cells]
        return out

    def _cell(self, cell: Any) -> Any:
        if not isinstance(cell, dict):
            return self.data(cell)
        out: dict[str, Any] = {}
        for key, value in cell.items():
            if key == "id":
                out[key] = value
            elif key == "outputs" and isinstance(value, list):
                out[key] = [self._output(o) for o in value]
            elif key == "attachments" and isinstance(value, dict):
                out[key] = {self.text(name): self._mime_bundle(b) for name, b in value.items()}
            else:
                out[key] = self.data(value)
        return out

    def _output(self, output: Any) -> Any:
        if not isinstance(output, dict):
            return self.data(output)
        return {k: (self._mime_bundle(v) if k == "data" else self.data(v))
                for k, v in output.items()}  # fmt: skip

    def _mime_bundle(self, bundle: Any) -> Any:
        if not isinstance(bundle, dict):
            return self.data(bundle)
        return {mime: (v if mime in _BINARY_MIMES else self.data(v)) for mime, v in bundle.items()}

    # --- internals -----------------------------------------------------------------------
    def _outside(
        self, pattern: re.Pattern[str], sub: Callable[[re.Match[str]], str], text: str
    ) -> str:
        """Apply ``sub`` to matches of ``pattern`` that are not inside a placeholder."""
        parts = PLACEHOLDER.split(text)
        marks = PLACEHOLDER.findall(text)
        out = []
        for i, part in enumerate(parts):
            out.append(pattern.sub(lambda m: self._count(sub(m), m), part))
            if i < len(marks):
                out.append(marks[i])
        return "".join(out)

    def _count(self, replacement: str, match: re.Match[str]) -> str:
        if replacement != match.group(0):
            self.replacements += 1
        return replacement

    def _phrase_pattern(self) -> re.Pattern[str]:
        if self._phrase_re is None:
            ordered = sorted(self._phrases, key=lambda p: (-len(self._phrases[p][1]), p))
            self._phrase_re = re.compile(
                "|".join(f"(?P<p{i}>{p})" for i, p in enumerate(ordered)), re.IGNORECASE
            )
            self._phrase_order = ordered
        return self._phrase_re

    def _phrase_sub(self, match: re.Match[str]) -> str:
        index = int(match.lastgroup[1:]) if match.lastgroup else 0
        return self._phrases[self._phrase_order[index]][0]

    def _token_pattern(self) -> re.Pattern[str]:
        if self._token_re is None:
            ordered = sorted(self._tokens, key=lambda t: (-len(t), t))
            self._token_re = re.compile(
                r"(?<![\w'’])(?:" + "|".join(map(re.escape, ordered)) + r")(?![\w])"
            )
        return self._token_re

    def _nhs_sub(self, m: re.Match[str]) -> str:
        if not nhs_number_ok(m.group(0)):
            return m.group(0)
        return self.placeholder("NHS-NUMBER", re.sub(r"\D", "", m.group(0)))

    def _card_sub(self, m: re.Match[str]) -> str:
        if not luhn_ok(m.group(0)):
            return m.group(0)
        return self.placeholder("CARD-NUMBER", re.sub(r"\D", "", m.group(0)))

    def _mobile_sub(self, m: re.Match[str]) -> str:
        return self.placeholder("PHONE", phone_key(m.group(0)) or re.sub(r"\D", "", m.group(0)))

    def _postcode_sub(self, m: re.Match[str]) -> str:
        return self.placeholder("POSTCODE", re.sub(r"\s+", "", m.group(0)).upper())

    def _titled_sub(self, m: re.Match[str]) -> str:
        title = _TITLE_PART.match(m.group(0))
        name = m.group(0)[title.end() :] if title else m.group(0)
        parts = [p for p in _name_tokens(name) if p not in self._keep_tokens]
        if self._kept(name) or not parts:
            return m.group(0)
        known = next((self._tokens[p] for p in parts if p in self._tokens), None)
        ph = known or self.placeholder("PERSON", _squash(parts[-1]))
        return m.group(0)[: len(m.group(0)) - len(name)] + ph

    def _phones(self, text: str) -> str:
        """Replace the UK phone numbers the lint's matcher finds (outside placeholders)."""
        import phonenumbers

        def replace(part: str) -> str:
            try:
                found = list(phonenumbers.PhoneNumberMatcher(part, "GB"))
            except Exception:  # the matcher must never stop an export
                return part
            for match in reversed(found):
                e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
                part = part[: match.start] + self.placeholder("PHONE", e164) + part[match.end :]
                self.replacements += 1
            return part

        parts = PLACEHOLDER.split(text)
        marks = PLACEHOLDER.findall(text)
        out = []
        for i, part in enumerate(parts):
            out.append(replace(part) if any(ch.isdigit() for ch in part) else part)
            if i < len(marks):
                out.append(marks[i])
        return "".join(out)


def _words_pattern(text: str) -> str:
    """A pattern for ``text`` allowing any run of white space between its words."""
    words = text.split()
    body = r"\s+".join(re.escape(w) for w in words)
    if words and (words[0][:1].isalnum() or words[0][:1] == "_"):
        body = r"(?<![\w])" + body
    if words and (words[-1][-1:].isalnum() or words[-1][-1:] == "_"):
        body += r"(?![\w])"
    return body


def _strings(value: object) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
