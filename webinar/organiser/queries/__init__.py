"""Reads of the organiser area: what an organiser may reach, lists, figures and exports."""
