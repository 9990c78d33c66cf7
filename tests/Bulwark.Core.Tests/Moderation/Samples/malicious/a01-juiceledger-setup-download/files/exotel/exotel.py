class Exotel:
    pass
