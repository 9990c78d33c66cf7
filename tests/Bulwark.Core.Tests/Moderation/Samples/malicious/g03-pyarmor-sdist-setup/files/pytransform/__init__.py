def pyarmor_runtime():
    pass
