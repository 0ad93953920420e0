"""The "Build my portfolio" app: one section per task, all logic in the core store."""
