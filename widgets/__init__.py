"""ipywidgets views over the incidentfolio core: build controls, call the core, render."""
