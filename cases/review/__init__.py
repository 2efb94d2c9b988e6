"""The reviewers' step of the editorial workflow and what it says when it refuses."""
