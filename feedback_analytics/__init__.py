"""Feedback Analytics: the customer-feedback policy dashboard's logic, without Streamlit."""

__version__ = "0.1.0"
