"""The specialists: one small language model per router label, each calling only its own tools."""
