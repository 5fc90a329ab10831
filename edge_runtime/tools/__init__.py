"""The banking tools of the domain contract: schemas, validation and execution over a bank store."""
