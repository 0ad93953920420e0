"""incidentfolio: learning and evidence portfolio for contact-centre incident handling.

The core package holds the domain model, content loading and validation, scoring, the
evidence store, export and the command line. It never imports ipywidgets, IPython or
voila: the views in ``widgets`` call into it, never the reverse.
"""

__version__ = "0.1.0"
