def pyarmor_runtime(path=None):
    pass
