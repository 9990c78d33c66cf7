from .core import frame
