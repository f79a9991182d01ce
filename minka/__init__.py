"""Minka: communal work for networks of civil-society organizations."""

__version__ = "0.1.0"
