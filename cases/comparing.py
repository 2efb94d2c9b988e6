"""How many cases are compared side by side (cases.training.views): the comparison page keeps that many, and the case
library's checkboxes stop there."""

MAX_COMPARED = 4
