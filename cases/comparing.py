"""How many cases are compared side by side: the comparison page (cases.training.views) keeps
that many, and the case library's checkboxes stop there."""

MAX_COMPARED = 4
