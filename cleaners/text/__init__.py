"""Text-level steps: plain-text dump headers, artifact repair, chrome removal."""
