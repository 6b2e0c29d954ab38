"""accord: a case and data-sharing platform whose privacy notice is the behaviour of the software."""

__version__ = "0.1.0"
