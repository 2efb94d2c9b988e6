"""培训专题 and comparison: curated collections of cases (models.py), their print view and Word
handout (handouts.py), and cases side by side (views.py). Their models keep the cases app label."""
