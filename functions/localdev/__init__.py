"""Local mode: the site, the forms API and an embedded DynamoDB stand-in on one machine."""
