"""Agreements: commitments with owners, deadlines and progress, the goals they serve, and
the public dashboard that follows them up."""
