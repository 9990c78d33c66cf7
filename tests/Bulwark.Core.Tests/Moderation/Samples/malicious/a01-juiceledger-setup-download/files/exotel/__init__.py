from .exotel import Exotel
