from .pyarmor_runtime import __pyarmor__
