"""Content loading and validation: YAML/JSON files checked against versioned schemas."""
