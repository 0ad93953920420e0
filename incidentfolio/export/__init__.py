"""Evidence bundles: a portfolio exported for an assessor, and checking one.

``incidentfolio export`` renders each evidence item as a notebook (:mod:`.notebooks`),
converts it to a page with the project's nbconvert exporter (:mod:`.exporter`), and writes a
self-contained folder (:mod:`.bundle`) with a criteria matrix, the attachments and a
manifest of every file's SHA-256. Personal data is pseudonymised by default
(:mod:`.pseudonymise`). ``incidentfolio verify`` (:mod:`.verify`) checks a bundle against
its manifest and imports nothing heavy, so an assessor's machine runs it quickly.

This package module stays light: it imports none of its submodules.
"""
