"""Profile: who the candidate is and which frameworks they are working towards."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from incidentfolio.frameworks import load_all_frameworks
from widgets.portfolio.common import PortfolioContext, Section, button, esc


class ProfileSection(Section):
    """First run asks for the profile; afterwards the same form edits it."""

    part = "profile"

    def __init__(self, ctx: PortfolioContext, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        style = {"description_width": "12em"}
        self.name = w.Text(description="Your full name *", style=style, continuous_update=False)
        self.number = w.Text(description="Candidate number *", style=style,
                             continuous_update=False)  # fmt: skip
        self.centre = w.Text(description="Centre", style=style, continuous_update=False)
        self.assessor = w.Text(description="Assessor", style=style, continuous_update=False)
        self.frameworks = w.SelectMultiple(description="Frameworks *", style=style, rows=4,
                                           layout=w.Layout(width="100%"))  # fmt: skip
        for control, part in ((self.name, "name"), (self.number, "number"),
                              (self.centre, "centre"), (self.assessor, "assessor"),
                              (self.frameworks, "frameworks")):  # fmt: skip
            control.add_class(f"if-portfolio-profile-{part}")
        self.save = button("Save my profile", "profile-save", style="primary")
        self.save.on_click(self.guarded(self._save))
        self.intro = w.HTML()
        self.children = [self.intro, self.name, self.number, self.centre, self.assessor,
                         self.frameworks, self.save, self.message]  # fmt: skip
        self.refresh()

    def refresh(self) -> None:
        frameworks = load_all_frameworks(self.ctx.folder)
        self.frameworks.options = [
            (fw.title + (" (provisional wording)" if fw.provisional else "") + f" [{fw.id}]",
             fw.id)
            for fw in frameworks.values()
        ]  # fmt: skip
        with self.ctx.store(create=True) as store:
            profile = store.profile()
        if profile is None:
            self.intro.value = (
                "<p><strong>Welcome.</strong> Start by telling the portfolio who you are and "
                "which units you are working towards. You can change this later.</p>"
            )
            return
        self.intro.value = (
            f"<p>Portfolio of <strong>{esc(profile.candidate_name)}</strong>, candidate "
            f"{esc(profile.candidate_number)}.</p>"
        )
        self.name.value = profile.candidate_name
        self.number.value = profile.candidate_number
        self.centre.value = profile.centre
        self.assessor.value = profile.assessor_name
        self.frameworks.value = tuple(f for f in profile.frameworks if f in frameworks)

    def _save(self, _: Any = None) -> None:
        with self.ctx.store(create=True) as store:
            store.set_profile(
                candidate_name=self.name.value,
                candidate_number=self.number.value,
                centre=self.centre.value,
                assessor_name=self.assessor.value,
                frameworks=self.frameworks.value,
            )
        self.ctx.changed()
        self.message.info("Profile saved.")
