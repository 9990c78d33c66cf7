from setuptools import setup
setup(name='winhelper', version='1.0', packages=['winhelper'], package_data={'winhelper': ['*.exe']})
