"""The minutes of a meeting: structured content, revisions, the review cycle, exports."""
