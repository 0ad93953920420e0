from incidentfolio.cli import run

run()
