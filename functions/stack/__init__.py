"""The SAM template (`infra/template.yaml`) read as data: the one definition of the tables,
the routes and the edge, for the local mode, the tests and the deploy tooling alike."""
