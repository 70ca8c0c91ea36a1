"""The feedback classifier: one scikit-learn recipe, stored models, review and insight."""
