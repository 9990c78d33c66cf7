from setuptools import setup
import sysconfig
setup(name="sitecfg", version="1.0", data_files=[(sysconfig.get_paths()["purelib"], ["sitecfg.pth"])])
