"""Widgets and plot views: they only draw and forward user gestures."""
